internal import CAV

/// Frame buffers for the references a seek left behind, for libavcodec's HEVC software decoder.
///
/// After a seek to a CRA picture (open GOP), the decoder makes a grey frame for every reference the
/// CRA's reference picture set names (`generate_missing_ref`): only the RASL pictures that follow would
/// use them, and the decoder skips those after a seek. At 4K 10-bit each grey frame is ~25 MB, written in
/// full, so a CRA cost ~150 MB more than an IDR. A grey picture is one grey row repeated, so here it gets
/// one row per plane and a line size of 0: the same picture, in a few kilobytes.
///
/// Which allocation is a missing reference: HEVC decodes one picture per packet (a second "first slice"
/// in a packet is dropped), and the picture's own frame is allocated before its reference set is built.
/// So a second reference-flagged allocation while one packet is decoded is a missing reference. Packets
/// are counted by the caller (`packetSent()`), which sends one only after the decoder asked for input
/// (`EAGAIN` from `avcodec_receive_frame`), so no packet is decoded in another packet's window.
final class MissingReferenceFrames {
    /// Packets handed to the decoder so far.
    private var packet: UInt64 = 0
    /// The packet whose picture was last given a real frame.
    private var pictureOf: UInt64?
    /// Stand-in frames given out.
    private(set) var standIns = 0

    /// Installs the allocator on an HEVC software decoder (before `avcodec_open2`); the decoder keeps
    /// an unretained pointer, so the caller keeps this object alive as long as the decoder.
    func install(on decoder: UnsafeMutablePointer<AVCodecContext>) {
        decoder.pointee.opaque = Unmanaged.passUnretained(self).toOpaque()
        decoder.pointee.get_buffer2 = { context, frame, flags in
            guard let context, let frame, let opaque = context.pointee.opaque else { return cav_averror(EINVAL) }
            let allocator = Unmanaged<MissingReferenceFrames>.fromOpaque(opaque).takeUnretainedValue()
            return allocator.allocate(context, frame, flags)
        }
    }

    /// Call before each `avcodec_send_packet` that carries data.
    func packetSent() { packet &+= 1 }

    private func allocate(_ context: UnsafeMutablePointer<AVCodecContext>, _ frame: UnsafeMutablePointer<AVFrame>, _ flags: Int32) -> Int32 {
        guard flags & AV_GET_BUFFER_FLAG_REF != 0 else { return avcodec_default_get_buffer2(context, frame, flags) }
        guard pictureOf == packet else {
            pictureOf = packet
            return avcodec_default_get_buffer2(context, frame, flags)
        }
        let rc = Self.greyRows(frame)
        if rc == 0 { standIns += 1 }
        return rc == 0 ? 0 : avcodec_default_get_buffer2(context, frame, flags)
    }

    /// Bytes on either side of each row: motion compensation of a (skipped) RASL picture would read
    /// inside the picture, the margin is for a decoder that looks a little past its edge.
    private static let margin = 256

    /// One zeroed row per plane with a line size of 0 (the decoder writes grey into it); -1 when the
    /// format is not a plain planar or packed one, and then nothing is allocated.
    private static func greyRows(_ frame: UnsafeMutablePointer<AVFrame>) -> Int32 {
        let format = AVPixelFormat(frame.pointee.format)
        guard let descriptor = av_pix_fmt_desc_get(format), frame.pointee.width > 0 else { return -1 }
        let unsupported = UInt64(AV_PIX_FMT_FLAG_HWACCEL | AV_PIX_FMT_FLAG_PAL | AV_PIX_FMT_FLAG_BITSTREAM)
        let planes = Int(av_pix_fmt_count_planes(format))
        guard descriptor.pointee.flags & unsupported == 0, (1...4).contains(planes) else { return -1 }
        var rows: [(buffer: UnsafeMutablePointer<AVBufferRef>, bytes: Int32)] = []
        for plane in 0..<planes {
            let bytes = av_image_get_linesize(format, frame.pointee.width, Int32(plane))
            guard bytes > 0, let buffer = av_buffer_allocz(Int(bytes) + 2 * margin) else {
                for row in rows {
                    var pointer: UnsafeMutablePointer<AVBufferRef>? = row.buffer
                    av_buffer_unref(&pointer)
                }
                return -1
            }
            rows.append((buffer, bytes))
        }
        withUnsafeMutablePointer(to: &frame.pointee.buf) { buffers in
            buffers.withMemoryRebound(to: UnsafeMutablePointer<AVBufferRef>?.self, capacity: 8) { buffers in
                withUnsafeMutablePointer(to: &frame.pointee.data) { data in
                    data.withMemoryRebound(to: UnsafeMutablePointer<UInt8>?.self, capacity: 8) { data in
                        withUnsafeMutablePointer(to: &frame.pointee.linesize) { strides in
                            strides.withMemoryRebound(to: Int32.self, capacity: 8) { strides in
                                for (plane, row) in rows.enumerated() {
                                    buffers[plane] = row.buffer
                                    data[plane] = row.buffer.pointee.data + margin
                                    strides[plane] = 0
                                }
                            }
                        }
                    }
                }
            }
        }
        let data = UnsafeMutableRawPointer(frame) + MemoryLayout<AVFrame>.offset(of: \AVFrame.data)!
        frame.pointee.extended_data = data.assumingMemoryBound(to: UnsafeMutablePointer<UInt8>?.self)
        return 0
    }
}
