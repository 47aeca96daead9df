import Core
import Store

/// Full-text search over `movie_search` (FTS5), narrowed to a caller's libraries.
struct MovieSearch {
    let connection: Connection
    let scope: LibraryScope
    /// Movies `suggestions` looks at, most popular first, before it asks the full-text index instead.
    var popularWalk = 1000
    /// Past this many hits a search ranks only the title matches (see `search`).
    var broadHits = 5000

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
    /// `rankedHits`. Past `broadHits` hits only the title matches are ranked: bm25 costs about a
    /// microsecond a hit (each needs its row's column sizes), and three typed letters of a common word
    /// match 30,000 movies, most by a word of their overview or cast (ranking them all took 35 ms). The
    /// title matches are the ones the person looks for; room left among the `rankedHits` is filled with
    /// other hits as the index finds them, unranked (score 0: after the title matches, most popular
    /// first). The full-text match ranks rowids once, into a temporary table of rowids and scores
    /// that the page and the six facets then read through `movies_search_rowid` (the table is emptied
    /// before the connection is let go).
    func search(match: String, filter: Filter, sort: String?, limit: Int, offset: Int) throws(SQLiteError) -> (rows: [Row], total: Int, facets: [String: [(String, Int)]]) {
        try connection.execute("PRAGMA temp_store = MEMORY")
        try connection.execute("CREATE TEMP TABLE IF NOT EXISTS search_ranked (hit INTEGER PRIMARY KEY, score REAL NOT NULL)")
        try connection.execute("DELETE FROM temp.search_ranked")
        defer { try? connection.execute("DELETE FROM temp.search_ranked") }
        let relevance = "bm25(movie_search, 10.0, 6.0, 1.0, 3.0, 2.0)"
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
        let ranked = total > broadHits ? hits("{title original_title} : (\(match))") : all
        try connection.execute(
            "INSERT INTO temp.search_ranked SELECT s.rowid, \(relevance) \(ranked.sql) ORDER BY \(relevance) LIMIT \(Self.rankedHits)",
            ranked.values)
        let room = Self.rankedHits - connection.changes
        if total > broadHits, room > 0 {
            try connection.execute(
                "INSERT INTO temp.search_ranked SELECT s.rowid, 0 \(all.sql) AND s.rowid NOT IN (SELECT hit FROM temp.search_ranked) LIMIT \(room)",
                all.values)
        }
        let order = sort.flatMap { Self.sorts[$0] }.map { "\($0), h.score" } ?? "h.score, m.popularity DESC NULLS LAST"
        let rows = try connection.query(
            """
            SELECT m.*, -h.score AS score FROM temp.search_ranked h CROSS JOIN movies m ON m.search_rowid = h.hit
            ORDER BY \(order) LIMIT ? OFFSET ?
            """,
            [.integer(Int64(limit)), .integer(Int64(offset))])
        let facets = try self.facets(of: "FROM temp.search_ranked h CROSS JOIN movies m ON m.search_rowid = h.hit", [])
        return (rows, total, facets)
    }

    /// Counts by genre, year, status, director, resolution and file presence among the movies `source`
    /// selects (`FROM … WHERE …` naming the movies `m`). Genres and directors are counted by SQLite; the
    /// four that are columns of the movie row (or one lookup from it) in one pass over the rows, here,
    /// rather than four joins over the same hits. The hits drive every join (`CROSS JOIN` keeps SQLite
    /// from starting at the larger table).
    func facets(of source: String, _ values: [SQLValue]) throws(SQLiteError) -> [String: [(String, Int)]] {
        func counts(_ sql: String) throws(SQLiteError) -> [(String, Int)] { try facetCounts(sql, values) }
        let within = "WITH hits (id) AS (SELECT m.id \(source))"
        var years: [Int64: Int] = [:]
        var statuses: [String: Int] = [:]
        var resolutions: [String: Int] = [:]
        var files: [String: Int] = [:]
        let rows = try connection.query(
            """
            SELECT m.year, m.status, m.max_height,
                EXISTS (SELECT 1 FROM media_files f WHERE f.movie_id = m.id AND f.missing_since IS NULL) \(source)
            """, values)
        for row in rows {
            if let year = row[0].int64Value { years[year, default: 0] += 1 }
            if let status = row[1].stringValue { statuses[status, default: 0] += 1 }
            if let height = row[2].int64Value { resolutions[Self.resolutionName(height), default: 0] += 1 }
            files[row[3].int64Value == 1 ? "true" : "false", default: 0] += 1
        }
        let byCount = { (counts: [String: Int]) in counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) } }
        return [
            "genres": try counts(
                "\(within) SELECT g.name, count(*) AS n FROM hits CROSS JOIN movie_genres mg ON mg.movie_id = hits.id JOIN genres g ON g.id = mg.genre_id GROUP BY g.id ORDER BY n DESC, g.name LIMIT 50"),
            "years": years.sorted { $0.key > $1.key }.prefix(100).map { (String($0.key), $0.value) },
            "status": byCount(statuses).map { ($0.key, $0.value) },
            "directors": try counts(
                "\(within) SELECT p.name, count(*) AS n FROM hits CROSS JOIN movie_credits c ON c.movie_id = hits.id AND c.job = 'Director' JOIN people p ON p.id = c.person_id GROUP BY p.id ORDER BY n DESC, p.name LIMIT 50"),
            "resolution": byCount(resolutions).map { ($0.key, $0.value) },
            "has_file": files.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
        ]
    }

    /// The resolution facet's name for a best video height (as `CatalogRows.heightRange` reads them back).
    static func resolutionName(_ height: Int64) -> String {
        height >= 1600 ? "2160p" : height >= 900 ? "1080p" : height >= 650 ? "720p" : "sd"
    }

    /// The facets of every movie in the catalog: each counted straight from its table or index, not
    /// movie by movie (for a caller who sees only some libraries, `facets(of:)` over their movies).
    func catalogFacets() throws(SQLiteError) -> [String: [(String, Int)]] {
        guard scope == .all else {
            let visible = scope.condition("m.library_id")
            return try facets(of: "FROM movies m WHERE \(visible.sql)", visible.values)
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
