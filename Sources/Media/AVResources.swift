internal import CAV

// Small owners of libav objects: each frees its object in deinit, so every exit path frees it.

/// An open input file (AVFormatContext) with the cancellation flag wired to its interrupt callback.
final class InputFile {
    private(set) var context: UnsafeMutablePointer<AVFormatContext>
    private let cancellation: CancellationFlag

    init(path: String, cancellation: CancellationFlag) throws(MediaError) {
        guard let allocated = avformat_alloc_context() else { throw MediaError(.failed, "out of memory opening '\(path)'") }
        self.cancellation = cancellation
        allocated.pointee.interrupt_callback.callback = { opaque in
            guard let opaque else { return 0 }
            return Unmanaged<CancellationFlag>.fromOpaque(opaque).takeUnretainedValue().isCancelled ? 1 : 0
        }
        allocated.pointee.interrupt_callback.opaque = Unmanaged.passUnretained(cancellation).toOpaque()
        var pointer: UnsafeMutablePointer<AVFormatContext>? = allocated
        // On failure avformat_open_input frees the context and sets the pointer to NULL.
        let rc = avformat_open_input(&pointer, path, nil, nil)
        guard rc >= 0, let opened = pointer else {
            if cancellation.isCancelled { throw MediaError(.cancelled, "cancelled") }
            throw MediaError.av(.unreadable, "avformat_open_input", rc, "cannot open the file")
        }
        context = opened
    }

    deinit {
        var pointer: UnsafeMutablePointer<AVFormatContext>? = context
        avformat_close_input(&pointer)
    }
}

/// A decoder or encoder context.
final class CodecContext {
    let context: UnsafeMutablePointer<AVCodecContext>

    init(codec: UnsafePointer<AVCodec>) throws(MediaError) {
        guard let allocated = avcodec_alloc_context3(codec) else { throw MediaError(.failed, "out of memory allocating a codec") }
        context = allocated
    }

    deinit {
        var pointer: UnsafeMutablePointer<AVCodecContext>? = context
        avcodec_free_context(&pointer)
    }
}

/// An AVFrame (reused: unref between uses).
final class Frame {
    let frame: UnsafeMutablePointer<AVFrame>

    init() throws(MediaError) {
        guard let allocated = av_frame_alloc() else { throw MediaError(.failed, "out of memory allocating a frame") }
        frame = allocated
    }

    deinit {
        var pointer: UnsafeMutablePointer<AVFrame>? = frame
        av_frame_free(&pointer)
    }
}

/// An AVPacket (reused: unref between uses).
final class Packet {
    let packet: UnsafeMutablePointer<AVPacket>

    init() throws(MediaError) {
        guard let allocated = av_packet_alloc() else { throw MediaError(.failed, "out of memory allocating a packet") }
        packet = allocated
    }

    deinit {
        var pointer: UnsafeMutablePointer<AVPacket>? = packet
        av_packet_free(&pointer)
    }
}

/// A libswscale context, recreated only when the source geometry or format changes.
final class Scaler {
    private var context: OpaquePointer?

    /// Converts `source` into `destination` (whose width, height and format are already set and allocated).
    func scale(_ source: UnsafeMutablePointer<AVFrame>, into destination: UnsafeMutablePointer<AVFrame>) throws(MediaError) {
        let fullRangeIn = source.pointee.color_range == AVCOL_RANGE_JPEG || Self.isJPEGFormat(source.pointee.format)
        context = sws_getCachedContext(
            context, source.pointee.width, source.pointee.height, AVPixelFormat(source.pointee.format),
            destination.pointee.width, destination.pointee.height, AVPixelFormat(destination.pointee.format),
            SWS_BICUBIC, nil, nil, nil)
        guard let context else {
            throw MediaError(.failed, "cannot convert \(source.pointee.width)x\(source.pointee.height) pixel format \(source.pointee.format)")
        }
        let fullRangeOut = Self.isJPEGFormat(destination.pointee.format)
        let coefficients = sws_getCoefficients(SWS_CS_DEFAULT)
        // Same YUV matrix in and out; only the range changes (limited → full for JPEG).
        _ = sws_setColorspaceDetails(context, coefficients, fullRangeIn ? 1 : 0, coefficients, fullRangeOut ? 1 : 0, 0, 1 << 16, 1 << 16)
        let rc = withUnsafePointer(to: &source.pointee.data) { sourceData in
            withUnsafePointer(to: &source.pointee.linesize) { sourceStrides in
                withUnsafePointer(to: &destination.pointee.data) { destinationData in
                    withUnsafePointer(to: &destination.pointee.linesize) { destinationStrides in
                        sourceData.withMemoryRebound(to: UnsafePointer<UInt8>?.self, capacity: 8) { src in
                            destinationData.withMemoryRebound(to: UnsafeMutablePointer<UInt8>?.self, capacity: 8) { dst in
                                sourceStrides.withMemoryRebound(to: Int32.self, capacity: 8) { srcStride in
                                    destinationStrides.withMemoryRebound(to: Int32.self, capacity: 8) { dstStride in
                                        sws_scale(context, src, srcStride, 0, source.pointee.height, dst, dstStride)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        guard rc > 0 else { throw MediaError.av(.failed, "sws_scale", rc, "cannot scale the frame") }
    }

    static func isJPEGFormat(_ format: Int32) -> Bool {
        format == AV_PIX_FMT_YUVJ420P.rawValue || format == AV_PIX_FMT_YUVJ422P.rawValue || format == AV_PIX_FMT_YUVJ444P.rawValue
    }

    deinit { sws_freeContext(context) }
}

/// A hardware device context (VAAPI render node).
final class HardwareDevice {
    let reference: UnsafeMutablePointer<AVBufferRef>

    init(vaapiRenderNode node: String) throws(MediaError) {
        var device: UnsafeMutablePointer<AVBufferRef>?
        let rc = av_hwdevice_ctx_create(&device, AV_HWDEVICE_TYPE_VAAPI, node, nil, 0)
        guard rc >= 0, let device else { throw MediaError.av(.hardware, "av_hwdevice_ctx_create", rc, "cannot open VAAPI device '\(node)'") }
        reference = device
    }

    deinit {
        var pointer: UnsafeMutablePointer<AVBufferRef>? = reference
        av_buffer_unref(&pointer)
    }
}
