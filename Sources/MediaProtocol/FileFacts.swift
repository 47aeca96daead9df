/// What the library scanner needs to know about a media file: container, duration, streams and the
/// summary a catalog shows (resolution, HDR, audio languages, subtitles).
public struct FileFacts: Codable, Sendable, Equatable {
    public var path: String
    /// libavformat's short names, comma separated (`matroska,webm`, `mov,mp4,m4a,3gp,3g2,mj2`).
    public var container: String
    /// Seconds; nil when the container does not say.
    public var durationSeconds: Double?
    /// Bits per second over the whole file; nil when unknown.
    public var bitRate: Int?
    public var streams: [StreamFacts]

    public init(path: String, container: String, durationSeconds: Double?, bitRate: Int?, streams: [StreamFacts]) {
        self.path = path
        self.container = container
        self.durationSeconds = durationSeconds
        self.bitRate = bitRate
        self.streams = streams
    }

    /// The main video stream (the first that is not cover art).
    public var video: StreamFacts? { streams.first { $0.kind == .video && !$0.isAttachedPicture } }
    public var width: Int? { video?.width }
    public var height: Int? { video?.height }
    /// `HDR10`, `HLG` or `Dolby Vision` for the main video; nil for SDR.
    public var hdr: String? { video?.hdr }
    /// Audio languages in stream order, without repeats (`und` when a stream has none).
    public var audioLanguages: [String] {
        var seen: [String] = []
        for stream in streams where stream.kind == .audio {
            let language = stream.language ?? "und"
            if !seen.contains(language) { seen.append(language) }
        }
        return seen
    }
    public var subtitles: [StreamFacts] { streams.filter { $0.kind == .subtitle } }
}

/// One stream of a media file.
public struct StreamFacts: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case video, audio, subtitle, attachment, data }

    public var index: Int
    public var kind: Kind
    /// libavcodec's codec name (`h264`, `hevc`, `aac`, `subrip`), `unknown` when it has none.
    public var codec: String
    /// ISO 639 language tag, when the file sets one.
    public var language: String?
    public var title: String?
    public var width: Int?
    public var height: Int?
    public var channels: Int?
    public var hdr: String?
    public var isDefault: Bool
    public var isForced: Bool
    /// Cover art stored as a one-picture video stream.
    public var isAttachedPicture: Bool

    public init(
        index: Int, kind: Kind, codec: String, language: String? = nil, title: String? = nil, width: Int? = nil, height: Int? = nil,
        channels: Int? = nil, hdr: String? = nil, isDefault: Bool = false, isForced: Bool = false, isAttachedPicture: Bool = false
    ) {
        self.index = index
        self.kind = kind
        self.codec = codec
        self.language = language
        self.title = title
        self.width = width
        self.height = height
        self.channels = channels
        self.hdr = hdr
        self.isDefault = isDefault
        self.isForced = isForced
        self.isAttachedPicture = isAttachedPicture
    }
}

/// The facts of one file, or why there are none (unreadable, not media, the helper crashed on it).
public enum FileFactsResult: Codable, Sendable, Equatable {
    case facts(FileFacts)
    case failed(path: String, reason: String)
}
