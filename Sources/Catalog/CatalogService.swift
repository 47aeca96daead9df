import Core
public import FoundationEssentials
public import HTTP
public import Store
import Synchronization

/// The catalog: libraries and who may see them, what scans found, metadata, per-user progress and
/// search, all in `state.db`. Route providers call it; every read is narrowed to the libraries the
/// caller may see (`Visibility`).
public final class CatalogService: Sendable {
    public let database: Database
    let current: SettingsCell
    public let scanner: LibraryScanner
    /// Queues scans when watched library folders change (started by `serve`).
    public let watcher: LibraryWatcher
    /// Unix milliseconds.
    public let clock: @Sendable () -> Int64
    /// TMDb, one per daemon: the metadata routes, refreshes and the scanner share its pace and cache.
    public let tmdb: TMDbClient
    /// The image cache folder, one per daemon so that concurrent requests for an image fetch it once.
    public let images: ImageCache
    /// TMDb refreshes under way in the background, one per item or library.
    let metadataRuns = MetadataQueue()
    /// Whole-catalog search facets by scope, until the catalog changes.
    let facetCache = FacetCache()

    /// `prober` reads media files during scans (nil: names only); scans run at `nice`.
    public init(
        database: Database, settings: CatalogSettings, prober: (any FileProber)? = nil, nice: Int32 = 19,
        clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }
    ) {
        self.database = database
        let current = SettingsCell(settings)
        self.current = current
        self.clock = clock
        scanner = LibraryScanner(database: database, settings: { current.value }, prober: prober, nice: nice, clock: clock)
        watcher = LibraryWatcher(database: database, scanner: scanner, quietMilliseconds: settings.watchQuietMilliseconds, clock: clock)
        tmdb = TMDbClient(settings: { current.value })
        images = ImageCache(settings: { current.value })
        // A scan that changed a library has TMDb match what it added (weak: the scanner is ours).
        scanner.onScanFinished { [weak self] libraryID in self?.queueRefresh(library: libraryID) }
    }

    /// The settings now (config edits apply without a restart, through `update`).
    public var settings: CatalogSettings { current.value }

    /// Queues an incremental scan of every enabled library marked `scan_on_startup`. Blocking: call
    /// from a thread of the daemon's start-up, not the cooperative pool.
    public func queueStartupScans() throws {
        try database.withConnection { connection in
            for library in try LibraryStore.list(connection, scope: .all) where library.enabled && library.scanOnStartup {
                _ = try scanner.enqueue(connection, library: library, type: "incremental")
            }
        }
    }

    /// Takes new settings (from a config change); scans and TMDb calls that start later use them.
    public func update(_ settings: CatalogSettings) {
        current.set(settings)
    }

    /// Runs `body` with the connection on the database's own queue; what it throws is answered as the
    /// catalog error or the state database error it is.
    public func perform<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws(HTTPError) -> T {
        do {
            return try await database.perform { [database] in try database.withConnection { connection in try body(connection) } }
        } catch {
            throw HTTPError.storage(error, failing: "Failed to use the catalog")
        }
    }

    /// Runs `body` in one transaction on the database's own queue.
    public func transaction<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws(HTTPError) -> T {
        do {
            return try await database.perform { [database] in try database.transaction(body) }
        } catch {
            throw HTTPError.storage(error, failing: "Failed to change the catalog")
        }
    }
}

/// The catalog's settings, shared by the service and its scanner, replaced whole on a config change.
final class SettingsCell: Sendable {
    private let state: Mutex<CatalogSettings>

    init(_ settings: CatalogSettings) {
        state = Mutex(settings)
    }

    var value: CatalogSettings { state.withLock { $0 } }

    func set(_ settings: CatalogSettings) {
        state.withLock { $0 = settings }
    }
}
