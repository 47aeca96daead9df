public import Core
public import FoundationEssentials

/// What a job does; every kind is a row of the one jobs table.
public enum JobKind: String, Sendable, CaseIterable, Codable {
    case thumbnail, sync, scan, analysis
    /// A yt-dlp download (issue 17).
    case youtubeDownload = "youtube_download"
}

/// Where a job is in its life. `pending` and `running` are live; the other three are final.
public enum JobStatus: String, Sendable, CaseIterable, Codable {
    case pending, running, completed, failed, cancelled

    public var isFinal: Bool { self == .completed || self == .failed || self == .cancelled }
}

/// One job as stored: counts, progress, its parameters and result as JSON, and the state a
/// restarted daemon needs to resume it from where it stopped.
public struct JobRecord: Sendable, Equatable {
    public var id: String
    public var kind: JobKind
    public var status: JobStatus
    public var libraryID: String?
    public var libraryName: String?
    public var scheduleID: String?
    /// 1 (high) to 3 (low).
    public var priority: Int
    /// Percent, 0–100.
    public var progress: Double
    public var totalItems: Int
    public var completedItems: Int
    public var failedItems: Int
    public var skippedItems: Int
    public var parameters: JSON
    public var result: JSON?
    public var error: String?
    /// Whatever the runner needs to continue after a restart (e.g. the items still to do).
    public var resumeState: JSON?
    public var createdAt: Date
    public var startedAt: Date?
    public var updatedAt: Date
    public var completedAt: Date?

    public init(
        id: String, kind: JobKind, status: JobStatus = .pending, libraryID: String? = nil,
        libraryName: String? = nil, scheduleID: String? = nil, priority: Int = 2, parameters: JSON = [:],
        createdAt: Date = Date()
    ) {
        self.id = id
        self.kind = kind
        self.status = status
        self.libraryID = libraryID
        self.libraryName = libraryName
        self.scheduleID = scheduleID
        self.priority = priority
        self.progress = 0
        self.totalItems = 0
        self.completedItems = 0
        self.failedItems = 0
        self.skippedItems = 0
        self.parameters = parameters
        self.result = nil
        self.error = nil
        self.resumeState = nil
        self.createdAt = createdAt
        self.startedAt = nil
        self.updatedAt = createdAt
        self.completedAt = nil
    }
}

/// The outcome of one media item in a job, with the reason when it failed or was skipped.
public struct JobItemRecord: Sendable, Equatable {
    /// Per-item status; `skipped` is for items whose output already existed.
    public enum Status: String, Sendable, CaseIterable, Codable {
        case pending, running, completed, failed, skipped
    }

    public var jobID: String
    /// The item's identity within the job (a Plex part hash or rating key, a file path).
    public var key: String
    public var title: String?
    public var file: String?
    public var status: Status
    public var reason: String?
    /// `gpu`, `cpu`, or `cpu_fallback` for thumbnails; nil for other kinds.
    public var decodePath: String?
    public var frames: Int?
    public var durationMilliseconds: Int?
    public var updatedAt: Date

    public init(
        jobID: String, key: String, title: String? = nil, file: String? = nil, status: Status,
        reason: String? = nil, decodePath: String? = nil, frames: Int? = nil, durationMilliseconds: Int? = nil,
        updatedAt: Date = Date()
    ) {
        self.jobID = jobID
        self.key = key
        self.title = title
        self.file = file
        self.status = status
        self.reason = reason
        self.decodePath = decodePath
        self.frames = frames
        self.durationMilliseconds = durationMilliseconds
        self.updatedAt = updatedAt
    }
}
