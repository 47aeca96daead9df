import Core
import FoundationEssentials
import MediaProtocol
import Store

/// The scanner's writes: file rows and the movies, series, seasons and episodes their names point to.
/// Every function runs inside the scanner's batch transaction on the connection it is given.
struct CatalogWriter {
    let connection: Connection
    let libraryID: String
    let now: Int64

    /// What a stored file row says about the file, for telling unchanged, changed and moved files apart.
    struct StoredFile {
        var id: String
        var path: String
        var size: Int64
        var modified: Int64
        var device: Int64
        var inode: Int64
        var probed: Bool
        var linked: Bool
    }

    /// The library's file rows.
    func storedFiles(kind: Library.Kind) throws(SQLiteError) -> [StoredFile] {
        let linked = kind == .movie
            ? "movie_id IS NOT NULL"
            : "EXISTS (SELECT 1 FROM episode_files e WHERE e.file_id = media_files.id)"
        return try connection.query(
            "SELECT id, path, size, mtime, device, inode, probed_at IS NOT NULL, \(linked) FROM media_files WHERE library_id = ?",
            [.text(libraryID)]
        ).map { row in
            StoredFile(
                id: row[0].stringValue ?? "", path: row[1].stringValue ?? "", size: row[2].int64Value ?? 0, modified: row[3].int64Value ?? 0,
                device: row[4].int64Value ?? 0, inode: row[5].int64Value ?? 0, probed: row[6].boolValue ?? false,
                linked: row[7].boolValue ?? false)
        }
    }

    /// Inserts a new file row or rewrites an existing one (same id: a changed or moved file), with
    /// the probe's facts when there are some; answers the row's id.
    @discardableResult
    func storeFile(_ file: FoundFile, id existing: String?, probe: FileFactsResult?) throws(SQLiteError) -> String {
        let id = existing ?? UUID().uuidString.lowercased()
        let columns: [(String, SQLValue)] = [
            ("path", .text(file.path)), ("size", .integer(file.size)), ("mtime", .integer(file.modified)),
            ("device", .integer(file.device)), ("inode", .integer(file.inode)), ("missing_since", .null), ("updated_at", .integer(now)),
        ] + Self.probeColumns(probe, now: now)
        if existing == nil {
            let names = ["id", "library_id", "created_at"] + columns.map(\.0)
            try connection.execute(
                "INSERT INTO media_files (\(names.joined(separator: ", "))) VALUES (\(Array(repeating: "?", count: names.count).joined(separator: ", ")))",
                [.text(id), .text(libraryID), .integer(now)] + columns.map(\.1))
        } else {
            try connection.execute(
                "UPDATE media_files SET \(columns.map { "\($0.0) = ?" }.joined(separator: ", ")) WHERE id = ?", columns.map(\.1) + [.text(id)])
        }
        return id
    }

    /// The media_files columns a probe fills; none when the file was not probed.
    static func probeColumns(_ probe: FileFactsResult?, now: Int64) -> [(String, SQLValue)] {
        switch probe {
        case nil: return []
        case .failed(_, let reason)?:
            return [("probed_at", .integer(now)), ("probe_error", .text(String(reason.prefix(500))))]
        case .facts(let facts)?:
            let audio = facts.streams.first { $0.kind == .audio }
            return [
                ("probed_at", .integer(now)), ("probe_error", .null),
                ("duration_seconds", SQLValue(facts.durationSeconds.map { Int($0.rounded()) })),
                ("bitrate_kbps", SQLValue(facts.bitRate.map { $0 / 1000 })), ("video_codec", SQLValue(facts.video?.codec)),
                ("width", SQLValue(facts.width)), ("height", SQLValue(facts.height)),
                ("dynamic_range", SQLValue(facts.video == nil ? nil : facts.hdr ?? "SDR")), ("audio_codec", SQLValue(audio?.codec)),
                ("audio_channels", SQLValue(audio?.channels.map(Self.channelLayout))),
                ("audio_languages", .text(Self.jsonText(facts.audioLanguages))),
                ("subtitle_languages", .text(Self.jsonText(Self.unique(facts.subtitles.map { $0.language ?? "und" })))),
            ]
        }
    }

    /// `5.1` for six channels, as media apps show it.
    static func channelLayout(_ channels: Int) -> String {
        switch channels {
        case 1: "1.0"
        case 2: "2.0"
        case 3: "2.1"
        case 6: "5.1"
        case 7: "6.1"
        case 8: "7.1"
        default: "\(channels)"
        }
    }

    static func unique(_ values: [String]) -> [String] {
        var seen: [String] = []
        for value in values where !seen.contains(value) { seen.append(value) }
        return seen
    }

    static func jsonText(_ strings: [String]) -> String {
        String(decoding: JSON.array(strings.map(JSON.string)).encoded(), as: UTF8.self)
    }

    // MARK: Movies

    /// Links the file to the movie its name gives (made when the library has none yet); answers
    /// whether a movie was added.
    func linkMovie(fileID: String, _ parsed: ParsedMovie) throws(SQLiteError) -> Bool {
        var added = false
        let movieID: String
        // A file already linked keeps its movie (its title may have come from TMDb since).
        if let current = try connection.queryOne(
            "SELECT m.id FROM media_files f JOIN movies m ON m.id = f.movie_id WHERE f.id = ?", [.text(fileID)])?[0].stringValue
        {
            movieID = current
        } else if let found = try findMovie(parsed) {
            movieID = found
        } else {
            movieID = UUID().uuidString.lowercased()
            try connection.execute(
                """
                INSERT INTO movies (id, library_id, title, sort_title, year, tmdb_id, imdb_id, added_at, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    .text(movieID), .text(libraryID), .text(parsed.title), .text(ReleaseName.sortTitle(parsed.title)), SQLValue(parsed.year),
                    SQLValue(parsed.tmdbID), SQLValue(parsed.imdbID), .integer(now), .integer(now), .integer(now),
                ])
            added = true
        }
        try connection.execute("UPDATE media_files SET movie_id = ? WHERE id = ?", [.text(movieID), .text(fileID)])
        try connection.execute(
            "UPDATE movies SET max_height = (SELECT max(height) FROM media_files WHERE movie_id = ?1) WHERE id = ?1", [.text(movieID)])
        if added { try SearchIndex.refreshMovie(connection, id: movieID) }
        return added
    }

    func findMovie(_ parsed: ParsedMovie) throws(SQLiteError) -> String? {
        if let tmdb = parsed.tmdbID,
            let row = try connection.queryOne("SELECT id FROM movies WHERE library_id = ? AND tmdb_id = ?", [.text(libraryID), .integer(Int64(tmdb))])
        {
            return row[0].stringValue
        }
        if let imdb = parsed.imdbID,
            let row = try connection.queryOne("SELECT id FROM movies WHERE library_id = ? AND imdb_id = ?", [.text(libraryID), .text(imdb)])
        {
            return row[0].stringValue
        }
        return try connection.queryOne(
            "SELECT id FROM movies WHERE library_id = ? AND title = ? COLLATE NOCASE AND year IS ? ORDER BY added_at LIMIT 1",
            [.text(libraryID), .text(parsed.title), SQLValue(parsed.year)])?[0].stringValue
    }

    // MARK: Series

    /// Links the file to the episodes its name gives, making the series, season and episode rows
    /// it needs; answers how many rows were added (series and episodes).
    func linkEpisodes(fileID: String, _ parsed: ParsedEpisode) throws(SQLiteError) -> Int {
        var added = 0
        let seriesID: String
        // A file already linked stays with its series (its title may have come from TMDb since).
        if let current = try connection.queryOne(
            "SELECT e.series_id FROM episode_files ef JOIN episodes e ON e.id = ef.episode_id WHERE ef.file_id = ? LIMIT 1", [.text(fileID)]
        )?[0].stringValue {
            seriesID = current
        } else if let found = try findSeries(parsed) {
            seriesID = found
        } else {
            seriesID = UUID().uuidString.lowercased()
            try connection.execute(
                """
                INSERT INTO series (id, library_id, title, sort_title, year, tmdb_id, tvdb_id, added_at, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    .text(seriesID), .text(libraryID), .text(parsed.seriesTitle), .text(ReleaseName.sortTitle(parsed.seriesTitle)),
                    SQLValue(parsed.seriesYear), SQLValue(parsed.tmdbID), SQLValue(parsed.tvdbID), .integer(now), .integer(now), .integer(now),
                ])
            try SearchIndex.refreshSeries(connection, id: seriesID)
            added += 1
        }
        let seasonID = try season(seriesID: seriesID, number: parsed.season)
        try connection.execute("DELETE FROM episode_files WHERE file_id = ?", [.text(fileID)])
        for number in parsed.episodes {
            let (episodeID, made) = try episode(seriesID: seriesID, seasonID: seasonID, season: parsed.season, number: number, parsed)
            if made { added += 1 }
            try connection.execute("INSERT OR IGNORE INTO episode_files (episode_id, file_id) VALUES (?, ?)", [.text(episodeID), .text(fileID)])
        }
        return added
    }

    func findSeries(_ parsed: ParsedEpisode) throws(SQLiteError) -> String? {
        for (column, value) in [("tmdb_id", parsed.tmdbID), ("tvdb_id", parsed.tvdbID)] {
            guard let value else { continue }
            if let row = try connection.queryOne(
                "SELECT id FROM series WHERE library_id = ? AND \(column) = ?", [.text(libraryID), .integer(Int64(value))])
            {
                return row[0].stringValue
            }
        }
        let yearCondition = parsed.seriesYear == nil ? "" : " AND (year IS NULL OR year = \(parsed.seriesYear ?? 0))"
        return try connection.queryOne(
            "SELECT id FROM series WHERE library_id = ? AND title = ? COLLATE NOCASE\(yearCondition) ORDER BY added_at LIMIT 1",
            [.text(libraryID), .text(parsed.seriesTitle)])?[0].stringValue
    }

    func season(seriesID: String, number: Int) throws(SQLiteError) -> String {
        if let row = try connection.queryOne(
            "SELECT id FROM seasons WHERE series_id = ? AND season_number = ?", [.text(seriesID), .integer(Int64(number))])
        {
            return row[0].stringValue ?? ""
        }
        let id = UUID().uuidString.lowercased()
        try connection.execute(
            "INSERT INTO seasons (id, series_id, season_number, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
            [.text(id), .text(seriesID), .integer(Int64(number)), .text(number == 0 ? "Specials" : "Season \(number)"), .integer(now), .integer(now)])
        return id
    }

    func episode(
        seriesID: String, seasonID: String, season: Int, number: Int, _ parsed: ParsedEpisode
    ) throws(SQLiteError) -> (id: String, added: Bool) {
        if let row = try connection.queryOne(
            "SELECT id FROM episodes WHERE series_id = ? AND season_number = ? AND episode_number = ?",
            [.text(seriesID), .integer(Int64(season)), .integer(Int64(number))])
        {
            return (row[0].stringValue ?? "", false)
        }
        let id = UUID().uuidString.lowercased()
        let title = parsed.episodes.count == 1 ? parsed.episodeTitle : nil
        try connection.execute(
            """
            INSERT INTO episodes (id, series_id, season_id, season_number, episode_number, title, air_date, added_at, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(id), .text(seriesID), .text(seasonID), .integer(Int64(season)), .integer(Int64(number)), SQLValue(title),
                SQLValue(parsed.airDate), .integer(now), .integer(now), .integer(now),
            ])
        return (id, true)
    }

    // MARK: Removal

    /// Marks files not seen as missing and drops those missing longer than `grace`, then the movies
    /// and series left without files; answers the items removed. Files under a library folder that
    /// could not be reached (a disk not mounted) are left as they are: an absent disk loses nothing.
    func settleMissing(seen: Set<String>, folders: [String], reachable: [String], grace: Int64) throws(SQLiteError) -> Int {
        let rows = try connection.query("SELECT id, path, missing_since FROM media_files WHERE library_id = ?", [.text(libraryID)])
        for row in rows {
            guard let id = row[0].stringValue, let path = row[1].stringValue, !seen.contains(id) else { continue }
            let offline = folders.contains { folder in
                LibraryFolders.contains(root: folder, path) && !reachable.contains(folder)
            }
            if offline { continue }
            let since = row[2].int64Value ?? now
            if now - since >= grace {
                try connection.execute("DELETE FROM media_files WHERE id = ?", [.text(id)])
            } else if row[2].isNull {
                try connection.execute("UPDATE media_files SET missing_since = ? WHERE id = ?", [.integer(now), .text(id)])
            }
        }
        var removed = 0
        let emptyMovies = try connection.query(
            "SELECT id FROM movies m WHERE library_id = ? AND NOT EXISTS (SELECT 1 FROM media_files f WHERE f.movie_id = m.id)",
            [.text(libraryID)]
        ).compactMap { $0[0].stringValue }
        for id in emptyMovies {
            try SearchIndex.removeMovie(connection, id: id)
            try connection.execute("DELETE FROM movies WHERE id = ?", [.text(id)])
            removed += 1
        }
        let emptySeries = try connection.query(
            """
            SELECT id FROM series s WHERE library_id = ? AND NOT EXISTS (
                SELECT 1 FROM episodes e JOIN episode_files ef ON ef.episode_id = e.id WHERE e.series_id = s.id)
            """, [.text(libraryID)]
        ).compactMap { $0[0].stringValue }
        for id in emptySeries {
            try SearchIndex.removeSeries(connection, id: id)
            try connection.execute("DELETE FROM series WHERE id = ?", [.text(id)])
            removed += 1
        }
        return removed
    }
}
