import Catalog
public import Core
public import HTTP
import Store

extension RequestService {
    /// One page of TMDb's search for `text` among movies or shows (its first `limit` results), each
    /// with its availability.
    public func search(_ text: String, kind: MediaRequest.Kind, page: Int, limit: Int = 20, language: String?) async throws(HTTPError) -> JSON {
        var results: [(id: Int, title: String, year: Int?, poster: String?, overview: String)] = []
        var pages = 0
        var total = 0
        do {
            switch kind {
            case .movie:
                let found = try await catalog.tmdb.searchMovies(text, year: nil, language: language, page: page)
                results = (found.results ?? []).map { ($0.id, $0.title ?? "", MediaJSON.year($0.releaseDate), $0.posterPath, $0.overview ?? "") }
                (pages, total) = (found.totalPages ?? 0, found.totalResults ?? 0)
            case .tv:
                let found = try await catalog.tmdb.searchShows(text, year: nil, language: language, page: page)
                results = (found.results ?? []).map { ($0.id, $0.name ?? "", MediaJSON.year($0.firstAirDate), $0.posterPath, $0.overview ?? "") }
                (pages, total) = (found.totalPages ?? 0, found.totalResults ?? 0)
            }
        } catch {
            throw error.httpError
        }
        results = Array(results.prefix(limit))
        let ids = results.map(\.id)
        let availability = try await perform { connection in try Availability.of(kind: kind, ids: ids, connection) }
        let items: [JSON] = results.map { result in
            [
                "id": .string(String(result.id)), "title": .string(result.title), "type": .string(kind.rawValue),
                "year": result.year.map { JSON($0) } ?? .null, "poster": MediaJSON.poster(result.poster), "overview": .string(result.overview),
                "availability": MediaJSON.availability(availability[result.id] ?? Availability(plex: false, requested: false)),
            ]
        }
        return ["results": .array(items), "pagination": ["page": JSON(page), "totalPages": JSON(pages), "totalResults": JSON(total)]]
    }

    /// A movie's or show's details from TMDb (top 20 of the cast, directors, writers and creators of
    /// the crew) with its availability; `plex` also asks the app that fetches media when one is set.
    public func details(kind: MediaRequest.Kind, tmdbID: Int, language: String?) async throws(HTTPError) -> JSON {
        var object: [String: JSON]
        do {
            switch kind {
            case .movie:
                let movie = try await catalog.tmdb.movie(tmdbID, language: language)
                object = [
                    "title": .string(movie.title ?? ""), "year": MediaJSON.year(movie.releaseDate).map { JSON($0) } ?? .null,
                    "runtime": movie.runtime.map { JSON($0) } ?? .null, "overview": .string(movie.overview ?? ""),
                    "poster": MediaJSON.poster(movie.posterPath), "backdrop": Self.backdrop(movie.backdropPath),
                    "genres": .array((movie.genres ?? []).compactMap { $0.name.map { .string($0) } }),
                    "cast": Self.cast(movie.credits), "crew": Self.crew(movie.credits, creators: []),
                    "status": movie.status.map { .string($0) } ?? .null,
                ]
            case .tv:
                let show = try await catalog.tmdb.show(tmdbID, language: language)
                object = [
                    "title": .string(show.name ?? ""), "year": MediaJSON.year(show.firstAirDate).map { JSON($0) } ?? .null,
                    "runtime": show.episodeRunTime?.first.map { JSON($0) } ?? .null, "overview": .string(show.overview ?? ""),
                    "poster": MediaJSON.poster(show.posterPath), "backdrop": Self.backdrop(show.backdropPath),
                    "genres": .array((show.genres ?? []).compactMap { $0.name.map { .string($0) } }),
                    "cast": Self.cast(show.credits), "crew": Self.crew(show.credits, creators: show.createdBy ?? []),
                    "status": show.status.map { .string($0) } ?? .null,
                ]
            }
        } catch {
            throw error.httpError
        }
        var availability = try await perform { connection in try Availability.of(kind: kind, ids: [tmdbID], connection) }[tmdbID]
            ?? Availability(plex: false, requested: false)
        if !availability.plex, await forwarder.has(kind, tmdbID) == true { availability.plex = true }
        object["id"] = .string(String(tmdbID))
        object["type"] = .string(kind.rawValue)
        object["availability"] = MediaJSON.availability(availability)
        return .object(object)
    }

    static func backdrop(_ path: String?) -> JSON {
        guard let path, path.hasPrefix("/"), path.utf8.count > 1 else { return .null }
        return .string("/api/v1/images/backdrop/w780" + path)
    }

    static func profile(_ path: String?) -> JSON {
        guard let path, path.hasPrefix("/"), path.utf8.count > 1 else { return .null }
        return .string("/api/v1/images/profile/w185" + path)
    }

    static func cast(_ credits: TMDb.Credits?) -> JSON {
        let cast = (credits?.cast ?? []).sorted { ($0.order ?? .max) < ($1.order ?? .max) }.prefix(20)
        return .array(
            cast.map { member in
                [
                    "id": .string(String(member.id)), "name": .string(member.name ?? ""),
                    "character": member.character.map { .string($0) } ?? .null, "profile": profile(member.profilePath),
                ]
            })
    }

    /// Directors, writers and producers first (a crew list runs to hundreds), at most 20; a show's
    /// creators lead.
    static func crew(_ credits: TMDb.Credits?, creators: [TMDb.CrewMember]) -> JSON {
        let key: Set<String> = ["Director", "Screenplay", "Writer", "Novel", "Producer", "Original Music Composer", "Director of Photography"]
        let chosen = (creators.map { member -> TMDb.CrewMember in
            var creator = member
            creator.job = creator.job ?? "Creator"
            return creator
        } + (credits?.crew ?? []).filter { key.contains($0.job ?? "") }).prefix(20)
        return .array(
            chosen.map { member in
                [
                    "id": .string(String(member.id)), "name": .string(member.name ?? ""), "job": member.job.map { .string($0) } ?? .null,
                    "department": member.department.map { .string($0) } ?? .null, "profile": profile(member.profilePath),
                ]
            })
    }
}
