import Previews

/// How one file's thumbnails are made: interval, JPEG quality, size box, decoder and its threads.
public struct ThumbnailOptions: Sendable, Equatable {
    /// Seconds between thumbnails (1...60, default 10 as in the preview tool).
    public var intervalSeconds: Int
    /// MJPEG qscale (1...10, lower is better; default 4, the reference's `-q:v 4`).
    public var quality: Int
    /// Where to decode.
    public var decoder: DecodePath
    /// Decoder threads per worker (1...4; slice threads, so no extra frames are held).
    public var decoderThreads: Int
    /// The box thumbnails fit inside, keeping the display aspect ratio.
    public var maximumWidth: Int
    public var maximumHeight: Int

    public static let qualities = 1...10
    public static let threadCounts = 1...4

    public init(
        intervalSeconds: Int = 10, quality: Int = 4, decoder: DecodePath = .cpu, decoderThreads: Int = 2,
        maximumWidth: Int = 320, maximumHeight: Int = 240
    ) {
        self.intervalSeconds = intervalSeconds
        self.quality = quality
        self.decoder = decoder
        self.decoderThreads = decoderThreads
        self.maximumWidth = maximumWidth
        self.maximumHeight = maximumHeight
    }

    /// Checks the ranges; the engine calls it before touching the file.
    public func validate() throws(MediaError) {
        guard ThumbnailPlan.intervals.contains(intervalSeconds) else {
            throw MediaError(.failed, "thumbnail interval \(intervalSeconds) s is outside 1...60")
        }
        guard Self.qualities.contains(quality) else { throw MediaError(.failed, "thumbnail quality \(quality) is outside 1...10") }
        guard Self.threadCounts.contains(decoderThreads) else { throw MediaError(.failed, "decoder threads \(decoderThreads) is outside 1...4") }
        guard (16...3840).contains(maximumWidth), (16...2160).contains(maximumHeight) else {
            throw MediaError(.failed, "thumbnail box \(maximumWidth)x\(maximumHeight) is outside 16x16...3840x2160")
        }
    }
}

/// The decoder a file is read with.
public enum DecodePath: Sendable, Equatable, CustomStringConvertible {
    case cpu
    /// VAAPI through libavcodec on this render node (e.g. `/dev/dri/renderD128`).
    case vaapi(renderNode: String)

    public var description: String {
        switch self {
        case .cpu: "cpu"
        case .vaapi(let node): "vaapi \(node)"
        }
    }
}

/// One file's thumbnails and how they were made.
public struct ThumbnailResult: Sendable {
    /// JPEGs in time order; image `i` is the picture at `i * intervalSeconds`.
    public let images: [[UInt8]]
    public let intervalSeconds: Int
    /// How many thumbnails the duration called for (more than `images.count` when the file ends early).
    public let plannedCount: Int
    public let durationSeconds: Double
    public let width: Int
    public let height: Int
    /// The decoder that made the images.
    public let decodePath: DecodePath
    /// Why the hardware path was abandoned, when the file was redone on the CPU.
    public let hardwareFailure: String?
    /// Whether HDR (PQ/HLG) pictures were tone-mapped to SDR.
    public let toneMapped: Bool
    /// Frames decoded in all (keyframes and the frames decoded on to reach a target).
    public let framesDecoded: Int
    /// Seeks performed.
    public let seeks: Int

    /// Whether a GPU worker fell back to the CPU for this file.
    public var fellBackToCPU: Bool { hardwareFailure != nil }
}
