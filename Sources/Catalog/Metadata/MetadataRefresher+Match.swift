import Core

/// Finding the TMDb id of a catalog item that has none: a search by its title, then the first result
/// of its year, else the first result when its title is the item's (ignoring case).
extension MetadataRefresher {
    /// One search result as matching sees it.
    struct Candidate {
        let id: Int
        let titles: [String]
        let year: Int?
    }

    /// The item's `tmdb_id`, else what `search` finds; `noMatch` naming the item when nothing fits.
    func resolve(_ item: Item, search: (Item) async throws(MetadataError) -> Int?) async throws(MetadataError) -> Int {
        if let id = item.tmdbID, id > 0 { return id }
        let title = item.title.trimmingWhitespace()
        if !title.isEmpty, let id = try await search(item) { return id }
        throw MetadataError.noMatch(item.year.map { "\(item.title) (\($0))" } ?? item.title)
    }

    /// The TMDb id of a movie found by title (and year, then without it).
    func movieMatch(_ item: Item) async throws(MetadataError) -> Int? {
        let found = try await tmdb.searchMovies(item.title, year: item.year, language: item.language).results ?? []
        if let id = Self.pick(found.map(Self.candidate), for: item) { return id }
        guard item.year != nil else { return nil }
        // A year off by one in a file name (or TMDb's) must not hide the movie: once more without it.
        let wider = try await tmdb.searchMovies(item.title, year: nil, language: item.language).results ?? []
        return Self.pick(wider.map(Self.candidate), for: item)
    }

    /// The TMDb id of a show found by name (and first-air year, then without it).
    func showMatch(_ item: Item) async throws(MetadataError) -> Int? {
        let found = try await tmdb.searchShows(item.title, year: item.year, language: item.language).results ?? []
        if let id = Self.pick(found.map(Self.candidate), for: item) { return id }
        guard item.year != nil else { return nil }
        let wider = try await tmdb.searchShows(item.title, year: nil, language: item.language).results ?? []
        return Self.pick(wider.map(Self.candidate), for: item)
    }

    /// The first candidate of the item's year, else the first candidate when its title is the item's.
    static func pick(_ candidates: [Candidate], for item: Item) -> Int? {
        if let year = item.year, let match = candidates.first(where: { $0.year == year }) { return match.id }
        guard let first = candidates.first else { return nil }
        let wanted = item.title.trimmingWhitespace().lowercased()
        return first.titles.contains { $0.trimmingWhitespace().lowercased() == wanted } ? first.id : nil
    }

    static func candidate(_ movie: TMDb.MovieSummary) -> Candidate {
        Candidate(id: movie.id, titles: [movie.title, movie.originalTitle].compactMap { $0 }, year: TMDbDate.year(movie.releaseDate))
    }

    static func candidate(_ show: TMDb.ShowSummary) -> Candidate {
        Candidate(id: show.id, titles: [show.name, show.originalName].compactMap { $0 }, year: TMDbDate.year(show.firstAirDate))
    }
}
