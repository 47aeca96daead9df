/// One file's thumbnails: the file, how to make them, and where the BIF goes.
public struct ThumbnailRequest: Codable, Sendable, Equatable {
    public var path: String
    /// Seconds between thumbnails (1...60).
    public var intervalSeconds: Int
    /// MJPEG qscale (1...10).
    public var quality: Int
    /// A render node to decode on with VA-API, or nil for the CPU.
    public var renderNode: String?
    /// Decoder threads (1...4).
    public var decoderThreads: Int
    public var output: ThumbnailOutput

    public init(path: String, intervalSeconds: Int, quality: Int, renderNode: String? = nil, decoderThreads: Int = 2, output: ThumbnailOutput) {
        self.path = path
        self.intervalSeconds = intervalSeconds
        self.quality = quality
        self.renderNode = renderNode
        self.decoderThreads = decoderThreads
        self.output = output
    }
}

/// Where a BIF is written: Plex's bundle for a media part hash, or a plain path (the `bif` command).
public enum ThumbnailOutput: Codable, Sendable, Equatable {
    case plexBundle(plexConfigFolder: String, hash: String)
    case file(path: String)
}

/// What the helper made of one file.
public struct ThumbnailSummary: Codable, Sendable, Equatable {
    public var frames: Int
    public var plannedCount: Int
    public var width: Int
    public var height: Int
    /// `cpu` or `vaapi`.
    public var decodePath: String
    /// Why the GPU path was abandoned, when the file was redone on the CPU.
    public var hardwareFailure: String?
    public var toneMapped: Bool
    public var framesDecoded: Int
    public var seeks: Int

    public init(
        frames: Int, plannedCount: Int, width: Int, height: Int, decodePath: String, hardwareFailure: String?, toneMapped: Bool,
        framesDecoded: Int, seeks: Int
    ) {
        self.frames = frames
        self.plannedCount = plannedCount
        self.width = width
        self.height = height
        self.decodePath = decodePath
        self.hardwareFailure = hardwareFailure
        self.toneMapped = toneMapped
        self.framesDecoded = framesDecoded
        self.seeks = seeks
    }
}
