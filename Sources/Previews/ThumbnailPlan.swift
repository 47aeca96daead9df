/// Which instants of a video become preview thumbnails: one every `intervalSeconds`, starting at 0,
/// and before the start of the last frame (a target there would find no frame at or after it). BIF frame `i` shows the picture at `i * intervalSeconds`.
public struct ThumbnailPlan: Sendable, Equatable {
    /// Seconds between thumbnails (Plex and the preview tool accept 1...60).
    public static let intervals = 1...60
    /// Longer than any real video (a week); a bigger duration is a broken container.
    public static let maximumDuration = 7.0 * 24 * 3600

    public let intervalSeconds: Int
    public let durationSeconds: Double
    /// Target times in seconds, increasing.
    public let targets: [Double]

    /// `frameSeconds` is one frame's duration when known (the last target must precede the last frame).
    public init(durationSeconds: Double, intervalSeconds: Int, frameSeconds: Double = 0) throws(ThumbnailPlanError) {
        guard Self.intervals.contains(intervalSeconds) else { throw .invalidInterval(intervalSeconds) }
        guard durationSeconds.isFinite, durationSeconds > 0 else { throw .unknownDuration }
        guard durationSeconds <= Self.maximumDuration else { throw .implausibleDuration(durationSeconds) }
        self.intervalSeconds = intervalSeconds
        self.durationSeconds = durationSeconds
        let interval = Double(intervalSeconds)
        let margin = frameSeconds.isFinite && frameSeconds > 0.001 && frameSeconds < 1 ? frameSeconds : 0.001
        let count = max(1, Int(((durationSeconds - margin) / interval).rounded(.up)))
        targets = (0..<count).map { Double($0) * interval }
    }

    /// How far before its target a keyframe may be and still stand for it. Half the interval keeps
    /// every thumbnail nearer its own target than its neighbours', so consecutive ones never share a picture.
    public var keyframeTolerance: Double { Double(intervalSeconds) / 2 }
}

/// Why no plan could be made for a video.
public enum ThumbnailPlanError: Error, CustomStringConvertible, Equatable, Sendable {
    case invalidInterval(Int)
    case unknownDuration
    case implausibleDuration(Double)

    public var description: String {
        switch self {
        case .invalidInterval(let seconds): "thumbnail interval \(seconds) s is outside 1...60"
        case .unknownDuration: "the video's duration is unknown"
        case .implausibleDuration(let seconds): "the container claims an implausible duration of \(Int(seconds)) s"
        }
    }
}
