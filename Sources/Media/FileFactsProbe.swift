internal import CAV
public import MediaProtocol

/// The library scanner's probe: opens a file with libavformat, reads its stream info and tells its
/// facts (container, duration, streams, codecs, resolution, HDR, languages). Runs in the media helper.
public enum FileFactsProbe {
    public static func facts(path: String) throws(MediaError) -> FileFacts {
        av_log_set_level(AV_LOG_QUIET)
        let input = try InputFile(path: path, cancellation: CancellationFlag())
        let context = input.context
        let rc = avformat_find_stream_info(context, nil)
        guard rc >= 0 else { throw MediaError.av(.undecodable, "avformat_find_stream_info", rc, "cannot read the streams") }
        var streams: [StreamFacts] = []
        for index in 0..<Int(context.pointee.nb_streams) {
            guard let stream = context.pointee.streams[index] else { continue }
            streams.append(facts(of: stream, index: index))
        }
        let duration = context.pointee.duration
        return FileFacts(
            path: path, container: context.pointee.iformat.map { String(cString: $0.pointee.name) } ?? "unknown",
            durationSeconds: duration > 0 && duration != noPTS ? Double(duration) / Double(AV_TIME_BASE) : nil,
            bitRate: context.pointee.bit_rate > 0 ? Int(context.pointee.bit_rate) : nil, streams: streams)
    }

    static func facts(of stream: UnsafeMutablePointer<AVStream>, index: Int) -> StreamFacts {
        let parameters = stream.pointee.codecpar.pointee
        let kind: StreamFacts.Kind
        switch parameters.codec_type {
        case AVMEDIA_TYPE_VIDEO: kind = .video
        case AVMEDIA_TYPE_AUDIO: kind = .audio
        case AVMEDIA_TYPE_SUBTITLE: kind = .subtitle
        case AVMEDIA_TYPE_ATTACHMENT: kind = .attachment
        default: kind = .data
        }
        let disposition = stream.pointee.disposition
        var facts = StreamFacts(
            index: index, kind: kind, codec: avcodec_get_name(parameters.codec_id).map { String(cString: $0) } ?? "unknown",
            language: tag("language", stream.pointee.metadata), title: tag("title", stream.pointee.metadata),
            isDefault: disposition & AV_DISPOSITION_DEFAULT != 0, isForced: disposition & AV_DISPOSITION_FORCED != 0,
            isAttachedPicture: disposition & AV_DISPOSITION_ATTACHED_PIC != 0)
        if kind == .video {
            facts.width = Int(parameters.width)
            facts.height = Int(parameters.height)
            facts.hdr = hdr(stream, transfer: parameters.color_trc)
        } else if kind == .audio {
            facts.channels = parameters.ch_layout.nb_channels > 0 ? Int(parameters.ch_layout.nb_channels) : nil
        }
        return facts
    }

    /// Dolby Vision (a DOVI configuration record), HDR10 (PQ) or HLG; nil for SDR.
    static func hdr(_ stream: UnsafeMutablePointer<AVStream>, transfer: AVColorTransferCharacteristic) -> String? {
        var size = 0
        if av_stream_get_side_data(stream, AV_PKT_DATA_DOVI_CONF, &size) != nil { return "Dolby Vision" }
        switch transfer {
        case AVCOL_TRC_SMPTE2084: return "HDR10"
        case AVCOL_TRC_ARIB_STD_B67: return "HLG"
        default: return nil
        }
    }

    private static func tag(_ key: String, _ metadata: OpaquePointer?) -> String? {
        guard let entry = av_dict_get(metadata, key, nil, 0), let value = entry.pointee.value else { return nil }
        let text = String(cString: value)
        return text.isEmpty ? nil : text
    }
}
