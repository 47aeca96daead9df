import Core
import FoundationEssentials
import HTTP
import Store

/// Applies TMDb's metadata to the catalog: a movie's or series' fields, genres, people and credits,
/// collection, networks, seasons and episodes, written in one transaction that ends with the search
/// index. A failure writes nothing but a short reason in `metadata_error`; the row keeps what it had.
/// The routes call it for one item, the scanner for a whole library (`refreshAll`).
public struct MetadataRefresher: Sendable {
    /// How a refresh ended.
    public enum Outcome: Sendable, Equatable {
        case updated
        /// The reason recorded in `metadata_error`.
        case failed(String)
        /// No such row (deleted meanwhile).
        case gone
    }

    let catalog: CatalogService

    public init(catalog: CatalogService) {
        self.catalog = catalog
    }

    var tmdb: TMDbClient { catalog.tmdb }

    /// Refreshes movie `id` from TMDb: its `tmdb_id`, else the best search match for its title and year.
    public func refreshMovie(id: String) async -> Outcome {
        await refresh(table: "movies", id: id) { row throws(MetadataError) in
            let tmdbID = try await resolve(row, search: movieMatch)
            let movie = try await tmdb.movie(tmdbID, language: row.language)
            return { connection, now throws(SQLiteError) in try Self.write(movie, to: id, connection, now: now) }
        }
    }

    /// Refreshes series `id` from TMDb, with its seasons and episodes (missing episodes are added, so
    /// that upcoming ones show).
    public func refreshSeries(id: String) async -> Outcome {
        await refresh(table: "series", id: id) { row throws(MetadataError) in
            let tmdbID = try await resolve(row, search: showMatch)
            let show = try await tmdb.show(tmdbID, language: row.language)
            let details = try await seasons(of: show, series: id, language: row.language)
            return { connection, now throws(SQLiteError) in try Self.write(show, seasons: details, to: id, connection, now: now) }
        }
    }

    /// What a refresh knows of the row before asking TMDb.
    struct Item: Sendable {
        let title: String
        let year: Int?
        let tmdbID: Int?
        /// The library's `preferred_language`, when TMDb takes it.
        var language: String? = nil
    }

    typealias Write = @Sendable (Connection, Int64) throws(SQLiteError) -> Void

    /// Reads the row of `table`, runs `fetch` (TMDb) and its write in one transaction; records the
    /// reason of any failure instead.
    private func refresh(table: String, id: String, fetch: (Item) async throws(MetadataError) -> Write) async -> Outcome {
        let item: Item?
        do {
            item = try await catalog.perform { connection in
                try connection.queryOne(
                    "SELECT t.title, t.year, t.tmdb_id, l.preferred_language FROM \(table) t JOIN libraries l ON l.id = t.library_id WHERE t.id = ?",
                    [.text(id)]
                ).map {
                    Item(
                        title: $0.string("title") ?? "", year: $0.int("year"), tmdbID: $0.int("tmdb_id"),
                        language: $0.string("preferred_language").flatMap { TMDbLanguage.isValid($0) ? $0 : nil })
                }
            }
        } catch {
            return .failed(error.message)
        }
        guard let item else { return .gone }
        let write: Write
        do {
            write = try await fetch(item)
        } catch {
            return await record(error.description, table: table, id: id)
        }
        let now = catalog.clock()
        do {
            try await catalog.transaction { connection in try write(connection, now) }
            return .updated
        } catch {
            return await record("Failed to store TMDb's metadata", table: table, id: id)
        }
    }

    /// Writes `reason` to the row's `metadata_error` (only that) and answers it as the outcome.
    private func record(_ reason: String, table: String, id: String) async -> Outcome {
        _ = try? await catalog.perform { connection in
            try connection.execute("UPDATE \(table) SET metadata_error = ? WHERE id = ?", [.text(reason), .text(id)])
        }
        return .failed(reason)
    }
}
