import Core
public import FoundationEssentials
public import HTTP
public import Store

/// The catalog: libraries and who may see them, what scans found, metadata, per-user progress and
/// search, all in `state.db`. Route providers call it; every read is narrowed to the libraries the
/// caller may see (`Visibility`).
public final class CatalogService: Sendable {
    public let database: Database
    public let settings: CatalogSettings
    /// Unix milliseconds.
    public let clock: @Sendable () -> Int64
    /// TMDb, one per daemon: the metadata routes, refreshes and the scanner share its pace and cache.
    public let tmdb: TMDbClient
    /// The image cache folder, one per daemon so that concurrent requests for an image fetch it once.
    public let images: ImageCache

    public init(
        database: Database, settings: CatalogSettings,
        clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }
    ) {
        self.database = database
        self.settings = settings
        self.clock = clock
        tmdb = TMDbClient(settings: settings)
        images = ImageCache(settings: settings)
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
