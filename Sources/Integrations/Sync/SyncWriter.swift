import Catalog
import FoundationEssentials
import Store

/// A sync's writes on one transaction's connection: match, mark, add, and let go.
struct SyncWriter {
    let connection: Connection
    let app: IntegrationApp
    let now: Int64

    var table: String { app == .radarr ? "movies" : "series" }
    /// The column marking an item as the app's (the app's own id).
    var remoteColumn: String { app == .radarr ? "radarr_id" : "sonarr_id" }

    /// Matches or adds each item; answers the counts and the skip reasons.
    func write(_ items: [SyncItem], libraries: [Library], mappings: [PathMapping]) throws -> SyncOutcome {
        var outcome = SyncOutcome()
        for item in items {
            if try update(item) {
                outcome.updated += 1
                continue
            }
            guard let path = item.path, !path.isEmpty else {
                outcome.skipped += 1
                outcome.reasons.append("\(label(item)): \(app.title) gives no folder")
                continue
            }
            let local = PathMapping.local(path, mappings)
            guard let library = Self.library(holding: local, in: libraries) else {
                outcome.skipped += 1
                outcome.reasons.append("\(label(item)): no \(app == .radarr ? "movie" : "TV") library holds \(local)")
                continue
            }
            try insert(item, library: library.id)
            outcome.added += 1
            outcome.addedLibraries.insert(library.id)
        }
        return outcome
    }

    /// Marks the catalog's rows for `item` (every library's) as the app's; false when there are none.
    private func update(_ item: SyncItem) throws -> Bool {
        var matches: [(String, Int)] = []
        if app == .sonarr, let tvdb = item.tvdbID { matches.append(("tvdb_id", tvdb)) }
        if let tmdb = item.tmdbID { matches.append(("tmdb_id", tmdb)) }
        for (column, value) in matches {
            try connection.execute(
                """
                UPDATE \(table) SET \(remoteColumn) = ?, imdb_id = coalesce(imdb_id, ?), year = coalesce(year, ?), updated_at = ?
                WHERE \(column) = ?
                """, [.integer(Int64(item.remoteID)), SQLValue(item.imdbID), SQLValue(item.year), .integer(now), .integer(Int64(value))])
            if connection.changes > 0 { return true }
        }
        return false
    }

    /// A new row without a file, marked as the app's.
    private func insert(_ item: SyncItem, library: String) throws {
        let id = UUID().uuidString.lowercased()
        let extra = app == .sonarr ? ", tvdb_id" : ""
        let extraValue: [SQLValue] = app == .sonarr ? [SQLValue(item.tvdbID)] : []
        try connection.execute(
            """
            INSERT INTO \(table) (id, library_id, title, sort_title, year, tmdb_id, imdb_id, \(remoteColumn)\(extra), added_at, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?\(app == .sonarr ? ", ?" : ""), ?, ?, ?)
            """,
            [
                .text(id), .text(library), .text(item.title), .text(ReleaseName.sortTitle(item.title)), SQLValue(item.year), SQLValue(item.tmdbID),
                SQLValue(item.imdbID), .integer(Int64(item.remoteID)),
            ] + extraValue + [.integer(now), .integer(now), .integer(now)])
        if app == .radarr { try SearchIndex.refreshMovie(connection, id: id) } else { try SearchIndex.refreshSeries(connection, id: id) }
    }

    /// Lets go of rows marked as the app's whose app id is not in `listed`: deleted without files,
    /// else unmarked. Answers how many.
    func release(keeping listed: Set<Int>) throws -> Int {
        let hasFile =
            app == .radarr
            ? "EXISTS (SELECT 1 FROM media_files f WHERE f.movie_id = m.id)"
            : "EXISTS (SELECT 1 FROM episodes e JOIN episode_files ef ON ef.episode_id = e.id WHERE e.series_id = m.id)"
        let rows = try connection.query("SELECT m.id, m.\(remoteColumn), \(hasFile) FROM \(table) m WHERE m.\(remoteColumn) IS NOT NULL")
        var released = 0
        for row in rows {
            guard let remote = row[1].int64Value, !listed.contains(Int(remote)), let id = row[0].stringValue else { continue }
            if row[2].boolValue ?? false {
                try connection.execute("UPDATE \(table) SET \(remoteColumn) = NULL, updated_at = ? WHERE id = ?", [.integer(now), .text(id)])
            } else {
                if app == .radarr { try SearchIndex.removeMovie(connection, id: id) } else { try SearchIndex.removeSeries(connection, id: id) }
                try connection.execute("DELETE FROM \(table) WHERE id = ?", [.text(id)])
            }
            released += 1
        }
        return released
    }

    private func label(_ item: SyncItem) -> String {
        item.year.map { "\(item.title) (\($0))" } ?? item.title
    }

    /// The enabled library with the deepest folder holding `path`.
    static func library(holding path: String, in libraries: [Library]) -> Library? {
        var best: (Library, Int)?
        for library in libraries {
            for folder in library.paths {
                let root = folder.hasSuffix("/") ? String(folder.dropLast()) : folder
                guard path == root || path.hasPrefix(root + "/"), root.utf8.count > (best?.1 ?? -1) else { continue }
                best = (library, root.utf8.count)
            }
        }
        return best?.0
    }
}
