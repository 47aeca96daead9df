internal import CAV

/// Facts about a JPEG read back with libavcodec's decoder: size and simple picture statistics, for
/// checking thumbnails (tests, a preview inspector).
public struct JPEGInspection: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// Mean of the luma plane, 0...255.
    public let meanLuma: Double
    /// Mean distance of the chroma samples from neutral grey (0 for a grey picture).
    public let meanChroma: Double

    public init(_ bytes: [UInt8]) throws(MediaError) {
        guard !bytes.isEmpty, bytes.count < 16 << 20 else { throw MediaError(.undecodable, "JPEG of \(bytes.count) bytes") }
        guard let codec = avcodec_find_decoder(AV_CODEC_ID_MJPEG) else { throw MediaError(.failed, "libavcodec has no MJPEG decoder") }
        let decoder = try CodecContext(codec: codec)
        var rc = avcodec_open2(decoder.context, codec, nil)
        guard rc >= 0 else { throw MediaError.av(.failed, "avcodec_open2", rc, "cannot open the MJPEG decoder") }
        let packet = try Packet()
        let frame = try Frame()
        rc = av_new_packet(packet.packet, Int32(bytes.count))
        guard rc >= 0, let data = packet.packet.pointee.data else { throw MediaError.av(.failed, "av_new_packet", rc, "out of memory") }
        bytes.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: bytes.count) }
        rc = avcodec_send_packet(decoder.context, packet.packet)
        if rc >= 0 { rc = avcodec_receive_frame(decoder.context, frame.frame) }
        guard rc >= 0 else { throw MediaError.av(.undecodable, "avcodec_receive_frame", rc, "not a decodable JPEG") }
        let picture = frame.frame.pointee
        let format = picture.format
        guard format == AV_PIX_FMT_YUVJ420P.rawValue || format == AV_PIX_FMT_YUV420P.rawValue,
            let luma = picture.data.0, let cb = picture.data.1, let cr = picture.data.2
        else {
            throw MediaError(.undecodable, "JPEG pixel format \(format) is not 4:2:0")
        }
        width = Int(picture.width)
        height = Int(picture.height)
        var lumaSum = 0
        for row in 0..<height {
            for column in 0..<width { lumaSum += Int(luma[row * Int(picture.linesize.0) + column]) }
        }
        var chromaSum = 0
        let chromaWidth = (width + 1) / 2, chromaHeight = (height + 1) / 2
        for row in 0..<chromaHeight {
            for column in 0..<chromaWidth {
                chromaSum += abs(Int(cb[row * Int(picture.linesize.1) + column]) - 128)
                chromaSum += abs(Int(cr[row * Int(picture.linesize.2) + column]) - 128)
            }
        }
        meanLuma = Double(lumaSum) / Double(max(1, width * height))
        meanChroma = Double(chromaSum) / Double(max(1, 2 * chromaWidth * chromaHeight))
    }
}
