/// What the download service reads from the configuration on every use (a reload applies at once).
public struct DownloadSettings: Sendable {
    /// Where downloads go unless a request names another folder (`downloads.folder`).
    public var folder: String
    /// The yt-dlp executable; empty: the first on `PATH` (`downloads.yt_dlp_path`).
    public var ytDlpPath: String
    public var maxConcurrent: Int
    /// Downloads one user may start within an hour.
    public var perHour: Int
    /// Free space the target folder's file system must keep.
    public var minFreeBytes: UInt64
    /// Longest a download may run.
    public var timeoutSeconds: Int
    /// CPU nice level of yt-dlp (the thumbnail workers' `limits.worker_nice`).
    public var nice: Int
    /// Whether yt-dlp runs in the idle I/O class (`limits.worker_idle_io`).
    public var idleIO: Bool
    /// Folders a request's `downloadPath` may lie under besides `folder` (`catalog.library_roots`).
    public var libraryRoots: [String]

    public init(
        folder: String, ytDlpPath: String = "", maxConcurrent: Int = 2, perHour: Int = 5, minFreeBytes: UInt64 = 1 << 30,
        timeoutSeconds: Int = 7200, nice: Int = 19, idleIO: Bool = true, libraryRoots: [String] = []
    ) {
        self.folder = folder
        self.ytDlpPath = ytDlpPath
        self.maxConcurrent = maxConcurrent
        self.perHour = perHour
        self.minFreeBytes = minFreeBytes
        self.timeoutSeconds = timeoutSeconds
        self.nice = nice
        self.idleIO = idleIO
        self.libraryRoots = libraryRoots
    }

    /// The folders a `downloadPath` may lie under.
    var allowedRoots: [String] { [folder] + libraryRoots }

    /// The yt-dlp to run, looked up now (installing it needs no restart); nil when there is none.
    public func executable() -> String? {
        ytDlpPath.isEmpty ? YtDlpProcess.locate() : YtDlpProcess.locate(ytDlpPath)
    }
}
