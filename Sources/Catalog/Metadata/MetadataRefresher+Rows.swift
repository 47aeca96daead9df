import FoundationEssentials
import Store

/// The shared rows a refresh upserts (genres, people, credits), keyed by TMDb's ids.
extension MetadataRefresher {
    /// The crew jobs the catalog keeps; everyone else in a crew list is left out.
    static let keptJobs: Set<String> = [
        "Director", "Writer", "Screenplay", "Producer", "Original Music Composer", "Director of Photography", "Creator",
    ]
    /// The cast kept per movie or series, by billing order.
    static let keptCast = 50

    /// A new row id (lower-case UUID, as the rest of the catalog uses).
    static func newID() -> String { UUID().uuidString.lowercased() }

    /// Replaces the genres of `owner` in `table` (`movie_genres`/`series_genres`, owner column `column`).
    static func replaceGenres(
        _ genres: [TMDb.Genre], table: String, column: String, owner: String, _ connection: Connection, now: Int64
    ) throws(SQLiteError) {
        try connection.execute("DELETE FROM \(table) WHERE \(column) = ?", [.text(owner)])
        for genre in genres where genre.id > 0 {
            let name = genre.name.flatMap { $0.isEmpty ? nil : $0 } ?? "Genre \(genre.id)"
            try upsertGenre(id: genre.id, name: name, connection)
            try connection.execute(
                "INSERT OR IGNORE INTO \(table) (\(column), genre_id, created_at) VALUES (?, ?, ?)",
                [.text(owner), .integer(Int64(genre.id)), .integer(now)])
        }
    }

    /// A genre by TMDb id; a new one gets a slug of its name (with the id added if another genre has it).
    static func upsertGenre(id: Int, name: String, _ connection: Connection) throws(SQLiteError) {
        var slug = slug(name)
        if let holder = try connection.queryOne("SELECT id FROM genres WHERE slug = ?", [.text(slug)])?[0].intValue, holder != id {
            slug += "-\(id)"
        }
        try connection.execute(
            "INSERT INTO genres (id, slug, name) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name",
            [.integer(Int64(id)), .text(slug), .text(name)])
    }

    /// `Science Fiction` → `science-fiction`, `Action & Adventure` → `action-adventure`.
    static func slug(_ name: String) -> String {
        var out = ""
        for character in name.lowercased() {
            if character.isLetter || character.isNumber {
                out.append(character)
            } else if !out.isEmpty && !out.hasSuffix("-") {
                out.append("-")
            }
        }
        while out.hasSuffix("-") { out.removeLast() }
        return out.isEmpty ? "genre" : out
    }

    /// The `people` row of TMDb person `tmdbID` (made or updated), answered as its id.
    static func person(tmdbID: Int, name: String?, profile: String?, _ connection: Connection) throws(SQLiteError) -> Int64? {
        guard tmdbID > 0, let name, !name.isEmpty else { return nil }
        return try connection.queryOne(
            """
            INSERT INTO people (tmdb_id, name, profile_path) VALUES (?, ?, ?)
            ON CONFLICT (tmdb_id) DO UPDATE SET name = excluded.name, profile_path = coalesce(excluded.profile_path, profile_path)
            RETURNING id
            """, [.integer(Int64(tmdbID)), .text(name), SQLValue(profile)])?[0].int64Value
    }

    /// Replaces the credits of `owner` in `table` (`movie_credits`/`series_credits`): the first
    /// `keptCast` of the cast by order, and the crew of the kept jobs.
    static func replaceCredits(
        _ credits: TMDb.Credits?, extraCrew: [TMDb.CrewMember] = [], table: String, column: String,
        owner: String, _ connection: Connection, now: Int64
    ) throws(SQLiteError) {
        try connection.execute("DELETE FROM \(table) WHERE \(column) = ?", [.text(owner)])
        let insert =
            "INSERT INTO \(table) (id, \(column), person_id, credit_type, character, job, department, cast_order, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
        let cast = (credits?.cast ?? []).enumerated().sorted { ($0.element.order ?? $0.offset) < ($1.element.order ?? $1.offset) }.prefix(keptCast)
        for (offset, member) in cast {
            guard let person = try person(tmdbID: member.id, name: member.name, profile: member.profilePath, connection) else { continue }
            try connection.execute(
                insert,
                [
                    .text(newID()), .text(owner), .integer(person), "cast", SQLValue(member.character), .null, .null,
                    .integer(Int64(member.order ?? offset)), .integer(now),
                ])
        }
        var seen = Set<String>()
        for member in extraCrew + (credits?.crew ?? []) {
            guard let job = member.job, keptJobs.contains(job), seen.insert("\(member.id)/\(job)").inserted,
                let person = try person(tmdbID: member.id, name: member.name, profile: member.profilePath, connection)
            else { continue }
            try connection.execute(
                insert,
                [
                    .text(newID()), .text(owner), .integer(person), "crew", .null, .text(job), SQLValue(member.department), .null, .integer(now),
                ])
        }
    }

    /// `sort_title` for a new title: without a leading English article ("The Matrix" → "Matrix").
    static func sortTitle(_ title: String) -> String {
        for article in ["the ", "a ", "an "] where title.lowercased().hasPrefix(article) && title.count > article.count {
            return String(title.dropFirst(article.count))
        }
        return title
    }
}
