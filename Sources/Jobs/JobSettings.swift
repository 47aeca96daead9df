public import MediaHelper
public import Plex
public import Previews

/// What a job runner reads from the config each time it starts a job or a worker set: the Plex
/// server, where BIFs go, path mapping, thumbnail options, worker counts and priorities.
public struct JobSettings: Sendable {
    /// The Plex server to enumerate libraries from and poll for sessions; nil when none is configured.
    public var plex: PlexServerClient?
    /// Plex's data folder (`plex.config_folder`); BIFs go under its `Media/localhost`.
    public var plexConfigFolder: String
    /// Plex paths to local ones (`plex.videos_path_mapping` → `plex.local_videos_path_mapping`).
    public var pathMapping: PathMapping
    /// Seconds between thumbnails (1...60).
    public var intervalSeconds: Int
    /// MJPEG qscale (1...10).
    public var quality: Int
    /// Workers per usable GPU (0...32).
    public var gpuWorkersPerGPU: Int
    /// CPU workers (0...32).
    public var cpuWorkers: Int
    /// Render nodes of the GPUs the hardware inventory found usable (`GPU.workerDevice`).
    public var renderNodes: [String]
    /// Pause workers while Plex reports active sessions.
    public var pauseWhileStreaming: Bool
    /// Seconds between two `/status/sessions` polls while a job runs.
    public var sessionPollSeconds: Double
    /// `nice` of worker threads (0...19).
    public var workerNice: Int
    /// Run worker threads at idle I/O priority.
    public var workerIdleIO: Bool
    /// The media helper each busy worker runs (its path, memory and CPU limits, idle exit); its nice
    /// level and I/O class are `workerNice` and `workerIdleIO`.
    public var helper: MediaHelperSettings
    /// Folders a worker's helper may read (Landlock): the local media roots; `/` when none is known.
    public var mediaRoots: [String]

    public static let workerCounts = 0...32

    public init(
        plex: PlexServerClient?, plexConfigFolder: String, pathMapping: PathMapping = PathMapping([]),
        intervalSeconds: Int = 10, quality: Int = 4, gpuWorkersPerGPU: Int = 1, cpuWorkers: Int = 2,
        renderNodes: [String] = [], pauseWhileStreaming: Bool = false, sessionPollSeconds: Double = 5,
        workerNice: Int = 19, workerIdleIO: Bool = true, helper: MediaHelperSettings = MediaHelperSettings(), mediaRoots: [String]? = nil
    ) {
        self.plex = plex
        self.plexConfigFolder = plexConfigFolder
        self.pathMapping = pathMapping
        self.intervalSeconds = intervalSeconds
        self.quality = quality
        self.gpuWorkersPerGPU = gpuWorkersPerGPU
        self.cpuWorkers = cpuWorkers
        self.renderNodes = renderNodes
        self.pauseWhileStreaming = pauseWhileStreaming
        self.sessionPollSeconds = sessionPollSeconds
        self.workerNice = workerNice
        self.workerIdleIO = workerIdleIO
        self.helper = helper
        self.helper.nice = workerNice
        self.helper.idleIO = workerIdleIO
        self.mediaRoots = mediaRoots ?? Self.roots(of: pathMapping)
    }

    /// The local prefixes of the path mapping, or `/` when files are read at Plex's own paths.
    public static func roots(of mapping: PathMapping) -> [String] {
        let roots = mapping.rules.map(\.localPrefix).filter { !$0.isEmpty }
        return roots.isEmpty ? ["/"] : roots
    }

    /// The mapping for one configured pair of prefixes (none when either is empty).
    public static func mapping(plexPrefix: String, localPrefix: String) -> PathMapping {
        guard !plexPrefix.isEmpty, !localPrefix.isEmpty else { return PathMapping([]) }
        return PathMapping([PathMapping.Rule(plexPrefix: plexPrefix, localPrefix: localPrefix)])
    }
}
