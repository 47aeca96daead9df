/// The catalog's configuration (`[catalog]`, `[integrations.tmdb]`): where library folders may be,
/// TMDb's address, key and pace, and the image cache.
public struct CatalogSettings: Sendable, Equatable {
    /// Absolute folders a library folder must lie under (after resolving links); empty refuses every folder.
    public var libraryRoots: [String]
    /// Probe new and changed files with libavformat during a scan (false: names only).
    public var probeFiles: Bool
    /// How long a vanished file stays, marked missing, before a scan drops it (milliseconds).
    public var missingGraceMilliseconds: Int64
    /// TMDb is asked only when enabled and a key is set; without it the catalog works from file names.
    public var tmdbEnabled: Bool
    public var tmdbBaseURL: String
    public var tmdbAPIKey: String
    public var tmdbRequestsPerSecond: Int
    public var tmdbCacheSeconds: Int
    public var imageBaseURL: String
    /// `<root>/var/cache/applianced/images`.
    public var imageCacheFolder: String
    public var imageCacheBytes: Int64
    public var imageMaxBytes: Int
    /// How long a watched library stays quiet after a change before its scan is queued.
    public var watchQuietMilliseconds: Int64 = 10_000

    public init(
        libraryRoots: [String], probeFiles: Bool = true, missingGraceMilliseconds: Int64 = 72 * 3_600_000, tmdbEnabled: Bool = false,
        tmdbBaseURL: String = "https://api.themoviedb.org/3", tmdbAPIKey: String = "", tmdbRequestsPerSecond: Int = 4,
        tmdbCacheSeconds: Int = 86_400, imageBaseURL: String = "https://image.tmdb.org/t/p", imageCacheFolder: String,
        imageCacheBytes: Int64 = 512 << 20, imageMaxBytes: Int = 10 << 20
    ) {
        self.libraryRoots = libraryRoots
        self.probeFiles = probeFiles
        self.missingGraceMilliseconds = missingGraceMilliseconds
        self.tmdbEnabled = tmdbEnabled
        self.tmdbBaseURL = tmdbBaseURL
        self.tmdbAPIKey = tmdbAPIKey
        self.tmdbRequestsPerSecond = tmdbRequestsPerSecond
        self.tmdbCacheSeconds = tmdbCacheSeconds
        self.imageBaseURL = imageBaseURL
        self.imageCacheFolder = imageCacheFolder
        self.imageCacheBytes = imageCacheBytes
        self.imageMaxBytes = imageMaxBytes
    }

    /// Whether TMDb may be asked at all.
    public var usesTMDb: Bool { tmdbEnabled && !tmdbAPIKey.isEmpty && !tmdbBaseURL.isEmpty }
}
