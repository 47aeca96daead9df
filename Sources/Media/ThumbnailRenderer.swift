internal import CAV

/// Turns a decoded picture (any size, CPU or VAAPI) into a JPEG of the thumbnail size: GPU scale
/// and download for VAAPI frames, libswscale on the CPU, zscale+tonemap for HDR, then MJPEG.
final class ThumbnailRenderer {
    let width: Int32
    let height: Int32
    let quality: Int
    private let encoder: CodecContext
    private let scaler = Scaler()
    private let small: Frame
    private let scratch: Frame
    private let toneMapped: Frame
    private var toneMapper: ToneMapper?
    private var gpuScaler: FilterGraph?
    private var gpuScalerIsHDR = false
    private let encodedPacket: Packet
    private var framesEncoded: Int64 = 0
    /// Whether any picture so far was HDR and went through the tone-mapper.
    private(set) var toneMappedAny = false

    init(width: Int32, height: Int32, quality: Int) throws(MediaError) {
        self.width = width
        self.height = height
        self.quality = quality
        guard let codec = avcodec_find_encoder(AV_CODEC_ID_MJPEG) else { throw MediaError(.failed, "libavcodec has no MJPEG encoder") }
        encoder = try CodecContext(codec: codec)
        let context = encoder.context
        context.pointee.width = width
        context.pointee.height = height
        context.pointee.pix_fmt = AV_PIX_FMT_YUVJ420P
        context.pointee.color_range = AVCOL_RANGE_JPEG
        context.pointee.time_base = AVRational(num: 1, den: 1)
        context.pointee.thread_count = 1
        // `-q:v Q`: a fixed quantiser, lambda = Q * FF_QP2LAMBDA.
        context.pointee.flags |= Int32(AV_CODEC_FLAG_QSCALE)
        context.pointee.global_quality = Int32(quality) * FF_QP2LAMBDA
        let rc = avcodec_open2(context, codec, nil)
        guard rc >= 0 else { throw MediaError.av(.failed, "avcodec_open2", rc, "cannot open the MJPEG encoder") }
        small = try Frame()
        scratch = try Frame()
        toneMapped = try Frame()
        encodedPacket = try Packet()
    }

    /// Renders one decoded frame into JPEG bytes.
    func render(_ decoded: UnsafeMutablePointer<AVFrame>) throws(MediaError) -> [UInt8] {
        let hdr = Self.isHDR(decoded)
        var picture = decoded
        if decoded.pointee.format == AV_PIX_FMT_VAAPI.rawValue {
            picture = try downloadScaled(decoded, hdr: hdr)
        }
        defer { av_frame_unref(scratch.frame) }
        let final: UnsafeMutablePointer<AVFrame>
        if hdr {
            try scale(picture, format: AV_PIX_FMT_YUV420P10LE)
            let transfer = decoded.pointee.color_trc
            if toneMapper == nil {
                toneMapper = try ToneMapper(width: width, height: height, transfer: transfer)
            }
            try toneMapper?.map(small.frame, into: toneMapped.frame)
            toneMappedAny = true
            final = toneMapped.frame
        } else {
            try scale(picture, format: AV_PIX_FMT_YUVJ420P)
            final = small.frame
        }
        defer {
            av_frame_unref(small.frame)
            av_frame_unref(toneMapped.frame)
        }
        return try encode(final)
    }

    static func isHDR(_ frame: UnsafeMutablePointer<AVFrame>) -> Bool {
        frame.pointee.color_trc == AVCOL_TRC_SMPTE2084 || frame.pointee.color_trc == AVCOL_TRC_ARIB_STD_B67
    }

    /// Scales on the GPU (scale_vaapi) and copies only the small frame to memory.
    private func downloadScaled(_ decoded: UnsafeMutablePointer<AVFrame>, hdr: Bool) throws(MediaError) -> UnsafeMutablePointer<AVFrame> {
        if gpuScaler == nil || gpuScalerIsHDR != hdr {
            gpuScaler = nil
            gpuScaler = try FilterGraph(
                width: decoded.pointee.width, height: decoded.pointee.height, format: AV_PIX_FMT_VAAPI.rawValue,
                chain: "scale_vaapi=w=\(width):h=\(height):format=\(hdr ? "p010" : "nv12")", hardwareFrames: decoded.pointee.hw_frames_ctx)
            gpuScalerIsHDR = hdr
        }
        let onGPU = try Frame()
        do {
            try gpuScaler?.run(decoded, into: onGPU.frame)
        } catch {
            throw MediaError(.hardware, "scale_vaapi failed: \(error.reason)")
        }
        av_frame_unref(scratch.frame)
        let rc = av_hwframe_transfer_data(scratch.frame, onGPU.frame, 0)
        guard rc >= 0 else { throw MediaError.av(.hardware, "av_hwframe_transfer_data", rc, "cannot copy the frame from the GPU") }
        _ = av_frame_copy_props(scratch.frame, decoded)
        return scratch.frame
    }

    private func scale(_ picture: UnsafeMutablePointer<AVFrame>, format: AVPixelFormat) throws(MediaError) {
        av_frame_unref(small.frame)
        small.frame.pointee.width = width
        small.frame.pointee.height = height
        small.frame.pointee.format = format.rawValue
        let rc = av_frame_get_buffer(small.frame, 0)
        guard rc >= 0 else { throw MediaError.av(.failed, "av_frame_get_buffer", rc, "cannot allocate the thumbnail") }
        try scaler.scale(picture, into: small.frame)
        small.frame.pointee.color_trc = picture.pointee.color_trc
        small.frame.pointee.color_primaries = picture.pointee.color_primaries
        small.frame.pointee.colorspace = picture.pointee.colorspace
        small.frame.pointee.color_range = format == AV_PIX_FMT_YUVJ420P ? AVCOL_RANGE_JPEG : AVCOL_RANGE_MPEG
        small.frame.pointee.pts = framesEncoded
    }

    private func encode(_ picture: UnsafeMutablePointer<AVFrame>) throws(MediaError) -> [UInt8] {
        picture.pointee.pts = framesEncoded
        picture.pointee.quality = encoder.context.pointee.global_quality
        picture.pointee.pict_type = AV_PICTURE_TYPE_NONE
        framesEncoded += 1
        var rc = avcodec_send_frame(encoder.context, picture)
        guard rc >= 0 else { throw MediaError.av(.failed, "avcodec_send_frame", rc, "cannot encode the JPEG") }
        rc = avcodec_receive_packet(encoder.context, encodedPacket.packet)
        guard rc >= 0, let data = encodedPacket.packet.pointee.data else {
            throw MediaError.av(.failed, "avcodec_receive_packet", rc, "the MJPEG encoder gave no picture")
        }
        defer { av_packet_unref(encodedPacket.packet) }
        return Array(UnsafeBufferPointer(start: data, count: Int(encodedPacket.packet.pointee.size)))
    }
}
