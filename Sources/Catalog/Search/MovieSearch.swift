import Core
import Store

/// Full-text search over `movie_search` (FTS5), narrowed to a caller's libraries.
struct MovieSearch {
    let connection: Connection
    let scope: LibraryScope
    /// Movies `suggestions` looks at, most popular first, before it asks the full-text index instead.
    var popularWalk = 1000
    /// Past this many hits a search ranks by title match, then popularity (see `search`): bm25 over
    /// 2,000 hits costs about 2.5 ms here, and past a few thousand it mostly tells titles apart by the
    /// length of their overviews.
    var broadHits = 2000

    init(_ connection: Connection, scope: LibraryScope) {
        self.connection = connection
        self.scope = scope
    }

    /// Movies matching every word of `text` (the last as a prefix), by relevance then popularity.
    func matching(_ text: String, limit: Int, offset: Int) throws(SQLiteError) -> [Row] {
        guard let match = FTSQuery.prefixMatch(text) else { return [] }
        let visible = scope.condition("m.library_id")
        return try connection.query(
            """
            SELECT m.* FROM movie_search s CROSS JOIN movies m ON m.search_rowid = s.rowid
            WHERE movie_search MATCH ? AND \(visible.sql)
            ORDER BY bm25(movie_search, 10.0, 6.0, 1.0, 3.0, 2.0), m.popularity DESC NULLS LAST LIMIT ? OFFSET ?
            """, [.text(match)] + visible.values + [.integer(Int64(limit)), .integer(Int64(offset))])
    }
}

/// Turning what a person typed into an FTS5 query that cannot be a syntax error: words of letters
/// and digits only, each quoted, the last one a prefix.
enum FTSQuery {
    /// At most this many words are used.
    static let maximumWords = 8

    /// The words of `text`, lowercased, split on anything that is not a letter or digit.
    static func words(_ text: String) -> [String] {
        text.lowercased().split { !$0.isLetter && !$0.isNumber }.prefix(maximumWords).map(String.init)
    }

    /// `"the" "matri"*`; nil when `text` has no word.
    static func prefixMatch(_ text: String) -> String? {
        let words = words(text)
        guard let last = words.last else { return nil }
        return (words.dropLast().map { "\"\($0)\"" } + ["\"\(last)\"*"]).joined(separator: " ")
    }
}

extension MovieSearch {
    /// A Typesense-style `filter_by` as SQL on `m` (movies): `genres:=Action`, `year:>=2020`,
    /// `vote_average:>7`, `resolution:=1080p`, `has_file:=true`, joined with `&&`.
    struct Filter {
        var sql: [String] = []
        var values: [SQLValue] = []

        init(_ text: String?) throws(CatalogError) {
            guard let text, !text.isEmpty else { return }
            let clauses = text.split(separator: "&&", omittingEmptySubsequences: false).map { $0.trimmingWhitespace() }
            guard clauses.count <= 8 else { throw .invalid(field: "filter_by", reason: "At most 8 filters joined with &&") }
            for clause in clauses { try add(clause) }
        }

        mutating func add(_ clause: String) throws(CatalogError) {
            guard let colon = clause.firstIndex(of: ":") else {
                throw .invalid(field: "filter_by", reason: "'\(clause.prefix(64))' is not field:value (e.g. genres:=Action)")
            }
            let field = String(clause[..<colon])
            var rest = Substring(clause[clause.index(after: colon)...])
            var operation = "="
            for candidate in [">=", "<=", "!=", "=", ">", "<"] where rest.hasPrefix(candidate) {
                operation = candidate
                rest = rest.dropFirst(candidate.count)
                break
            }
            var value = String(rest).trimmingWhitespace()
            if value.hasPrefix("["), value.hasSuffix("]") { value = String(value.dropFirst().dropLast()) }
            if value.hasPrefix("`"), value.hasSuffix("`"), value.count >= 2 { value = String(value.dropFirst().dropLast()) }
            switch field {
            case "genres":
                guard operation == "=" || operation == "!=" else { throw .invalid(field: "filter_by", reason: "genres takes := or :!=") }
                let names = value.split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }.prefix(16)
                guard !names.isEmpty else { throw .invalid(field: "filter_by", reason: "genres needs a name") }
                sql.append(
                    "\(operation == "!=" ? "NOT " : "")EXISTS (SELECT 1 FROM movie_genres mg JOIN genres g ON g.id = mg.genre_id WHERE mg.movie_id = m.id AND g.name COLLATE NOCASE IN (\(names.map { _ in "?" }.joined(separator: ", "))))")
                values += names.map(SQLValue.text)
            case "year", "vote_average", "runtime", "popularity":
                guard let number = Double(value), number.isFinite else {
                    throw .invalid(field: "filter_by", reason: "\(field) takes a number, e.g. \(field):>=2000")
                }
                sql.append("m.\(field) \(operation == "!=" ? "<>" : operation) ?")
                values.append(.real(number))
            case "resolution":
                guard let range = CatalogRows.heightRange(value) else {
                    throw .invalid(field: "filter_by", reason: "resolution takes 2160p, 1080p, 720p or sd")
                }
                sql.append("\(operation == "!=" ? "NOT " : "")(m.max_height BETWEEN ? AND ?)")
                values += [.integer(Int64(range.low)), .integer(Int64(range.high))]
            case "has_file":
                guard value == "true" || value == "false" else { throw .invalid(field: "filter_by", reason: "has_file takes true or false") }
                sql.append("\((value == "true") == (operation != "!=") ? "" : "NOT ")EXISTS (SELECT 1 FROM media_files f WHERE f.movie_id = m.id AND f.missing_since IS NULL)")
            default:
                throw .invalid(field: "filter_by", reason: "Unknown field '\(field.prefix(32))': genres, year, vote_average, runtime, popularity, resolution, has_file")
            }
        }
    }

    static let sorts = [
        "popularity:desc": "m.popularity DESC NULLS LAST", "popularity:asc": "m.popularity ASC NULLS LAST",
        "vote_average:desc": "m.vote_average DESC NULLS LAST", "vote_average:asc": "m.vote_average ASC NULLS LAST",
        "release_date:desc": "m.release_date DESC NULLS LAST", "release_date:asc": "m.release_date ASC NULLS LAST",
        "library_added_at:desc": "m.added_at DESC", "library_added_at:asc": "m.added_at ASC", "title:asc": "m.sort_title ASC",
        "title:desc": "m.sort_title DESC",
    ]

    /// The most hits a search ranks, pages and counts facets over; `total_hits` still counts every hit.
    /// Two typed letters can match most of a catalog, and ranking 50,000 rows for one page costs a
    /// second on this class of box.
    static let rankedHits = 1000

    /// One page of hits for `match` (an FTS5 query), the count of all hits, and the facets of the best
    /// `rankedHits`. Up to `broadHits` hits, every hit is ranked by bm25 (title matches weigh most).
    /// Past it, relevance is two tiers: the `rankedHits` most popular title matches (score 1), then, in
    /// whatever room is left, the most popular other hits (score 0). bm25 costs about a microsecond a
    /// hit (each needs its row's column sizes), three typed letters of a common word match 30,000
    /// movies, and among thousands of titles that all contain the typed prefix bm25 only tells them
    /// apart by the length of the rest of their row (the overview), which is not what the person looks
    /// for. A movie's full-text rowid carries its popularity (`StateSchema.movieSearchRowid`), so the
    /// most popular matches are the first the index hands back by descending rowid: a broad search
    /// reads a thousand of them, not all of them. The ranked rowids go into a temporary
    /// table, then each hit's movie id and facet columns into a second one in one pass over the movie
    /// rows; the page and the facets read that (both tables are emptied before the connection is let go).
    func search(match: String, filter: Filter, sort: String?, limit: Int, offset: Int) throws(SQLiteError) -> (rows: [Row], total: Int, facets: [String: [(String, Int)]]) {
        try prepareHitTables()
        defer { clearHitTables() }
        // The hits of a full-text query the caller may see, as `FROM … WHERE …` with its values.
        func hits(_ match: String) -> (sql: String, values: [SQLValue]) {
            if scope == .all && filter.sql.isEmpty { return ("FROM movie_search s WHERE movie_search MATCH ?", [.text(match)]) }
            let visible = scope.condition("m.library_id")
            return (
                "FROM movie_search s CROSS JOIN movies m ON m.search_rowid = s.rowid WHERE "
                    + (["movie_search MATCH ?", visible.sql] + filter.sql).joined(separator: " AND "),
                [.text(match)] + visible.values + filter.values
            )
        }
        let all = hits(match)
        let total = try connection.queryOne("SELECT count(*) \(all.sql)", all.values)?[0].intValue ?? 0
        if total > broadHits {
            // Read by descending rowid, the index hands back the most popular matches first.
            let titles = hits("{title original_title} : (\(match))")
            try connection.execute(
                "INSERT INTO temp.search_ranked SELECT s.rowid, -1 \(titles.sql) ORDER BY s.rowid DESC LIMIT \(Self.rankedHits)", titles.values)
            let room = Self.rankedHits - connection.changes
            if room > 0 {
                try connection.execute(
                    """
                    INSERT INTO temp.search_ranked SELECT s.rowid, 0 \(all.sql) AND s.rowid NOT IN (SELECT hit FROM temp.search_ranked)
                    ORDER BY s.rowid DESC LIMIT \(room)
                    """, all.values)
            }
        } else {
            let relevance = "bm25(movie_search, 10.0, 6.0, 1.0, 3.0, 2.0)"
            try connection.execute(
                "INSERT INTO temp.search_ranked SELECT s.rowid, \(relevance) \(all.sql) ORDER BY \(relevance) LIMIT \(Self.rankedHits)",
                all.values)
        }
        try connection.execute(
            """
            INSERT INTO temp.search_hits SELECT h.hit, h.score, m.id, m.popularity, m.year, m.status, m.max_height,
                EXISTS (SELECT 1 FROM media_files f WHERE f.movie_id = m.id AND f.missing_since IS NULL), m.genre_ids, m.director_ids
            FROM temp.search_ranked h CROSS JOIN movies m ON m.search_rowid = h.hit
            """)
        let page: String
        if let order = sort.flatMap({ Self.sorts[$0] }) {
            page = """
                SELECT m.*, -h.score AS score FROM temp.search_hits h CROSS JOIN movies m ON m.search_rowid = h.hit
                ORDER BY \(order), h.score LIMIT ? OFFSET ?
                """
        } else {
            // Only the page's movie rows are read: the order is in the hits table.
            page = """
                SELECT m.*, -h.score AS score FROM (SELECT hit, score, popularity FROM temp.search_hits
                    ORDER BY score, popularity DESC NULLS LAST LIMIT ? OFFSET ?) h
                CROSS JOIN movies m ON m.search_rowid = h.hit ORDER BY h.score, h.popularity DESC NULLS LAST
                """
        }
        let rows = try connection.query(page, [.integer(Int64(limit)), .integer(Int64(offset))])
        return (rows, total, try hitFacets())
    }

    /// The temporary tables a search fills: the ranked full-text rowids, then each hit's movie and
    /// the columns the facets count (`hit` is a movie's `search_rowid`).
    func prepareHitTables() throws(SQLiteError) {
        try connection.execute("PRAGMA temp_store = MEMORY")
        try connection.execute("CREATE TEMP TABLE IF NOT EXISTS search_ranked (hit INTEGER PRIMARY KEY, score REAL NOT NULL)")
        try connection.execute(
            """
            CREATE TEMP TABLE IF NOT EXISTS search_hits (hit INTEGER PRIMARY KEY, score REAL NOT NULL, movie TEXT NOT NULL,
                popularity REAL, year INTEGER, status TEXT, height INTEGER, has_file INTEGER NOT NULL, genre_ids TEXT, director_ids TEXT)
            """)
        clearHitTables()
    }

    func clearHitTables() {
        try? connection.execute("DELETE FROM temp.search_ranked")
        try? connection.execute("DELETE FROM temp.search_hits")
    }

    /// Counts by genre, year, status, director, resolution and file presence among the movies in
    /// `temp.search_hits`, all six in one pass over its rows (a movie's genre and director ids are
    /// columns of its row, kept by triggers); then only the names of the genres and directors that can
    /// make the first 50 are looked up.
    func hitFacets() throws(SQLiteError) -> [String: [(String, Int)]] {
        var years: [Int64: Int] = [:]
        var statuses: [String: Int] = [:]
        var resolutions: [String: Int] = [:]
        var files: [String: Int] = [:]
        var genres: [Int64: Int] = [:]
        var directors: [Int64: Int] = [:]
        // Stepped by hand: a thousand `Row`s cost more than the counting.
        let hits = try connection.prepare("SELECT year, status, height, has_file, genre_ids, director_ids FROM temp.search_hits")
        while try hits.step() {
            if !hits.isNull(0) { years[hits.int64(0), default: 0] += 1 }
            if let status = hits.text(1) { statuses[status, default: 0] += 1 }
            if !hits.isNull(2) { resolutions[Self.resolutionName(hits.int64(2)), default: 0] += 1 }
            files[hits.int64(3) == 1 ? "true" : "false", default: 0] += 1
            Self.count(ids: hits.text(4), into: &genres)
            Self.count(ids: hits.text(5), into: &directors)
        }
        let byCount = { (counts: [String: Int]) in counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) } }
        return [
            "genres": try named(genres, from: "genres"),
            "years": years.sorted { $0.key > $1.key }.prefix(100).map { (String($0.key), $0.value) },
            "status": byCount(statuses).map { ($0.key, $0.value) },
            "directors": try named(directors, from: "people"),
            "resolution": byCount(resolutions).map { ($0.key, $0.value) },
            "has_file": files.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
        ]
    }

    /// Adds one to each id of a comma-separated list (`genre_ids`, `director_ids`).
    static func count(ids: String?, into counts: inout [Int64: Int]) {
        guard let ids else { return }
        for id in ids.utf8.split(separator: UInt8(ascii: ",")) {
            if let id = Int64(Substring(id)) { counts[id, default: 0] += 1 }
        }
    }

    /// The first `limit` of `counts` by count, then name, as (name, count), with names from `table`
    /// (`id`, `name`); an id without a row is left out. Every id counted more often than the `limit`th
    /// makes it; of those tied with it (among a thousand hits, most directors are counted once) SQLite
    /// keeps only the alphabetically first that fit, so hundreds of names are not read into strings.
    func named(_ counts: [Int64: Int], from table: String, limit: Int = 50) throws(SQLiteError) -> [(String, Int)] {
        guard !counts.isEmpty else { return [] }
        let floor = counts.values.sorted(by: >)[min(limit, counts.count) - 1]
        let above = counts.filter { $0.value > floor }
        let tied = counts.filter { $0.value == floor }.map(\.key)
        // Each list in SQLite's name order (BINARY), which also breaks ties among the counts above.
        let aboveNames = try names(above.keys, from: table, first: nil)
        let tiedNames = try names(tied, from: table, first: limit - above.count)
        let ranked = aboveNames.enumerated().sorted { a, b in
            let (countA, countB) = (above[a.element.id] ?? 0, above[b.element.id] ?? 0)
            return countA != countB ? countA > countB : a.offset < b.offset
        }
        return ranked.map { ($0.element.name, above[$0.element.id] ?? 0) } + tiedNames.map { ($0.name, floor) }
    }

    /// The rows of `ids` in `table`, by name, at most `first` of them.
    func names(_ ids: some Collection<Int64>, from table: String, first: Int?) throws(SQLiteError) -> [(id: Int64, name: String)] {
        guard !ids.isEmpty, first.map({ $0 > 0 }) ?? true else { return [] }
        let rows = try connection.prepare(
            "SELECT id, name FROM \(table) WHERE id IN (SELECT value FROM json_each(?)) ORDER BY name LIMIT ?")
        try rows.bind([.text("[" + ids.map(String.init).joined(separator: ",") + "]"), .integer(Int64(first ?? -1))])
        var named: [(id: Int64, name: String)] = []
        while try rows.step() {
            if let name = rows.text(1) { named.append((rows.int64(0), name)) }
        }
        return named
    }

    /// The resolution facet's name for a best video height (as `CatalogRows.heightRange` reads them back).
    static func resolutionName(_ height: Int64) -> String {
        height >= 1600 ? "2160p" : height >= 900 ? "1080p" : height >= 650 ? "720p" : "sd"
    }

    /// The facets of every movie in the catalog: each counted straight from its table or index, not
    /// movie by movie (for a caller who sees only some libraries, `hitFacets` over their movies).
    func catalogFacets() throws(SQLiteError) -> [String: [(String, Int)]] {
        guard scope == .all else {
            let visible = scope.condition("m.library_id")
            try prepareHitTables()
            defer { clearHitTables() }
            try connection.execute(
                """
                INSERT INTO temp.search_hits SELECT NULL, 0, m.id, m.popularity, m.year, m.status, m.max_height,
                    EXISTS (SELECT 1 FROM media_files f WHERE f.movie_id = m.id AND f.missing_since IS NULL), m.genre_ids, m.director_ids
                FROM movies m WHERE \(visible.sql)
                """, visible.values)
            return try hitFacets()
        }
        func counts(_ sql: String) throws(SQLiteError) -> [(String, Int)] { try facetCounts(sql, []) }
        let movies = try connection.queryOne("SELECT count(*) FROM movies")?[0].intValue ?? 0
        let withFile = try connection.queryOne(
            "SELECT count(DISTINCT movie_id) FROM media_files WHERE movie_id IS NOT NULL AND missing_since IS NULL")?[0].intValue ?? 0
        return [
            "genres": try counts(
                "SELECT g.name, count(*) AS n FROM movie_genres mg JOIN genres g ON g.id = mg.genre_id GROUP BY mg.genre_id ORDER BY n DESC, g.name LIMIT 50"),
            "years": try counts("SELECT year, count(*) FROM movies WHERE year IS NOT NULL GROUP BY year ORDER BY year DESC LIMIT 100"),
            "status": try counts("SELECT status, count(*) AS n FROM movies WHERE status IS NOT NULL GROUP BY status ORDER BY n DESC"),
            "directors": try counts(
                """
                SELECT p.name, d.n FROM (SELECT person_id, count(*) AS n FROM movie_credits WHERE job = 'Director'
                    GROUP BY person_id ORDER BY n DESC LIMIT 50) d JOIN people p ON p.id = d.person_id ORDER BY d.n DESC, p.name
                """),
            "resolution": try counts(
                """
                SELECT CASE WHEN max_height >= 1600 THEN '2160p' WHEN max_height >= 900 THEN '1080p'
                    WHEN max_height >= 650 THEN '720p' ELSE 'sd' END AS r, count(*) AS n
                FROM movies WHERE max_height IS NOT NULL GROUP BY r ORDER BY n DESC
                """),
            "has_file": [("true", withFile), ("false", movies - withFile)].filter { $0.1 > 0 },
        ]
    }

    /// A facet query's rows (value, count) as pairs; a numeric value (a year) as its text.
    func facetCounts(_ sql: String, _ values: [SQLValue]) throws(SQLiteError) -> [(String, Int)] {
        try connection.query(sql, values).compactMap { row in
            guard let value = row[0].stringValue ?? row[0].int64Value.map({ String($0) }) else { return nil }
            return (value, row[1].intValue ?? 0)
        }
    }

    /// Titles starting with what was typed (each word a prefix), most popular first, without repeats.
    /// The most popular movies are looked at first (`popularSuggestions`); a rarer prefix falls back to
    /// the full-text index, which then has few hits.
    func suggestions(_ text: String, limit: Int) throws(SQLiteError) -> [String] {
        let words = FTSQuery.words(text)
        guard !words.isEmpty else { return [] }
        if let titles = try popularSuggestions(words, limit: limit) { return titles }
        let match = "title : " + words.map { "\"\($0)\"*" }.joined(separator: " ")
        let visible = scope.condition("m.library_id")
        return try connection.query(
            """
            SELECT m.title FROM movie_search s CROSS JOIN movies m ON m.search_rowid = s.rowid WHERE movie_search MATCH ? AND \(visible.sql)
            GROUP BY m.title ORDER BY max(coalesce(m.popularity, 0)) DESC, m.title LIMIT ?
            """, [.text(match)] + visible.values + [.integer(Int64(limit))]
        ).compactMap { $0[0].stringValue }
    }

    /// The first `limit` distinct titles, most popular first, among the `popularWalk` most popular
    /// movies the caller may see whose title has a word starting with each of `words` (as the index
    /// would match them). Two or three typed letters match thousands of titles, and the full-text
    /// index then hands back every one of them to be grouped and sorted; walking `movies_popularity`
    /// stops at the `limit`th. Nil when the walk ended without `limit` titles and there are more movies.
    func popularSuggestions(_ words: [String], limit: Int) throws(SQLiteError) -> [String]? {
        let visible = scope.condition("library_id")
        let rows = try connection.query(
            "SELECT title FROM movies INDEXED BY movies_popularity WHERE \(visible.sql) ORDER BY popularity DESC, sort_title LIMIT ?",
            visible.values + [.integer(Int64(popularWalk))])
        var titles: [String] = []
        var seen = Set<String>()
        for row in rows {
            guard let title = row[0].stringValue, !seen.contains(title) else { continue }
            let titleWords = title.lowercased().split { !$0.isLetter && !$0.isNumber }
            guard words.allSatisfy({ word in titleWords.contains { $0.hasPrefix(word) } }) else { continue }
            seen.insert(title)
            titles.append(title)
            if titles.count == limit { return titles }
        }
        return rows.count < popularWalk ? titles : nil
    }

    /// When a query finds nothing: the same words with each one that is not a known term replaced by
    /// the nearest known term (one edit for words of 4–7 letters, two from 8), or nil.
    func corrected(_ text: String) throws(SQLiteError) -> String? {
        var changed = false
        var words: [String] = []
        for word in FTSQuery.words(text) {
            guard word.count >= 4, try connection.queryOne("SELECT 1 FROM movie_search_terms WHERE term = ?", [.text(word)]) == nil else {
                words.append(word)
                continue
            }
            let allowed = word.count >= 8 ? 2 : 1
            let candidates = try connection.query(
                "SELECT term, doc FROM movie_search_terms WHERE term >= ? AND term < ? AND length(term) BETWEEN ? AND ?",
                [.text(String(word.prefix(1))), .text(String(word.prefix(1)) + "\u{10FFFF}"), .integer(Int64(word.count - allowed)),
                 .integer(Int64(word.count + allowed))])
            var best: (term: String, distance: Int, documents: Int)?
            for row in candidates {
                guard let term = row[0].stringValue else { continue }
                let distance = EditDistance.between(word, term, limit: allowed)
                guard distance <= allowed else { continue }
                let documents = row[1].intValue ?? 0
                if best == nil || distance < best!.distance || distance == best!.distance && documents > best!.documents {
                    best = (term, distance, documents)
                }
            }
            if let best {
                words.append(best.term)
                changed = true
            } else {
                words.append(word)
            }
        }
        return changed ? words.joined(separator: " ") : nil
    }
}

/// Levenshtein distance, stopping early once it must exceed a limit.
enum EditDistance {
    static func between(_ a: String, _ b: String, limit: Int) -> Int {
        let a = Array(a.unicodeScalars)
        let b = Array(b.unicodeScalars)
        guard abs(a.count - b.count) <= limit else { return limit + 1 }
        var previous = Array(0...b.count)
        var current = Array(repeating: 0, count: b.count + 1)
        for i in 1...max(a.count, 1) where !a.isEmpty {
            current[0] = i
            var rowMinimum = current[0]
            for j in 1...max(b.count, 1) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                rowMinimum = min(rowMinimum, current[j])
            }
            if rowMinimum > limit { return limit + 1 }
            swap(&previous, &current)
        }
        return a.isEmpty ? b.count : previous[b.count]
    }
}
