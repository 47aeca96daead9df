import Core

/// TMDb's answers in Revenge's `Metadata*` shapes (003), as the metadata routes return them. Absent
/// texts are empty strings where the shape has no null, absent numbers 0, so every answer matches
/// `MetadataSchemas`.
enum MetadataJSON {
    /// `MetadataSearchResults`: at most `limit` of the page's movies.
    static func moviePage(_ page: TMDb.Page<TMDb.MovieSummary>, limit: Int) -> JSON {
        self.page(page, results: (page.results ?? []).prefix(limit).map(movieResult))
    }

    /// `MetadataTVSearchResults`: at most `limit` of the page's shows.
    static func showPage(_ page: TMDb.Page<TMDb.ShowSummary>, limit: Int) -> JSON {
        self.page(page, results: (page.results ?? []).prefix(limit).map(showResult))
    }

    /// The page members around `results` (TMDb's totals, which count beyond `limit`).
    static func page<Item>(_ page: TMDb.Page<Item>, results: [JSON]) -> JSON {
        [
            "page": JSON(max(1, page.page ?? 1)), "total_results": JSON(max(0, page.totalResults ?? results.count)),
            "total_pages": JSON(max(0, page.totalPages ?? 1)), "results": .array(results),
        ]
    }

    /// `MetadataSearchResult`.
    static func movieResult(_ movie: TMDb.MovieSummary) -> JSON {
        [
            "tmdb_id": JSON(movie.id), "title": text(movie.title), "original_title": text(movie.originalTitle ?? movie.title),
            "overview": JSON(movie.overview), "release_date": date(movie.releaseDate), "poster_path": JSON(movie.posterPath),
            "backdrop_path": JSON(movie.backdropPath), "vote_average": number(movie.voteAverage), "vote_count": JSON(movie.voteCount ?? 0),
            "popularity": number(movie.popularity),
        ]
    }

    /// `MetadataTVSearchResult`.
    static func showResult(_ show: TMDb.ShowSummary) -> JSON {
        [
            "tmdb_id": JSON(show.id), "name": text(show.name), "original_name": text(show.originalName ?? show.name),
            "overview": JSON(show.overview), "first_air_date": date(show.firstAirDate), "poster_path": JSON(show.posterPath),
            "backdrop_path": JSON(show.backdropPath), "vote_average": number(show.voteAverage), "vote_count": JSON(show.voteCount ?? 0),
            "popularity": number(show.popularity),
        ]
    }

    /// `MetadataMovie`.
    static func movie(_ movie: TMDb.Movie) -> JSON {
        [
            "tmdb_id": JSON(movie.id), "imdb_id": JSON(movie.imdbId ?? movie.externalIds?.imdbId), "title": text(movie.title),
            "original_title": text(movie.originalTitle ?? movie.title), "tagline": JSON(nonEmpty(movie.tagline)),
            "overview": JSON(movie.overview), "release_date": date(movie.releaseDate), "runtime": optional(movie.runtime),
            "status": text(movie.status), "budget": optional(movie.budget), "revenue": optional(movie.revenue),
            "poster_path": JSON(movie.posterPath), "backdrop_path": JSON(movie.backdropPath), "vote_average": number(movie.voteAverage),
            "vote_count": JSON(movie.voteCount ?? 0), "popularity": number(movie.popularity),
            "genres": .array((movie.genres ?? []).map(genre)), "cast": .array((movie.credits?.cast ?? []).map(castMember)),
            "crew": .array((movie.credits?.crew ?? []).map(crewMember)),
            "belongs_to_collection": movie.belongsToCollection.map(collectionReference) ?? .null,
        ]
    }

    /// `MetadataTVShow`.
    static func show(_ show: TMDb.Show) -> JSON {
        [
            "tmdb_id": JSON(show.id), "imdb_id": JSON(show.externalIds?.imdbId), "tvdb_id": optional(show.externalIds?.tvdbId),
            "name": text(show.name), "original_name": text(show.originalName ?? show.name), "tagline": JSON(nonEmpty(show.tagline)),
            "overview": JSON(show.overview), "first_air_date": date(show.firstAirDate), "last_air_date": date(show.lastAirDate),
            "status": text(show.status), "type": text(show.type), "number_of_seasons": JSON(show.numberOfSeasons ?? 0),
            "number_of_episodes": JSON(show.numberOfEpisodes ?? 0), "episode_run_time": .array((show.episodeRunTime ?? []).map(JSON.init)),
            "poster_path": JSON(show.posterPath), "backdrop_path": JSON(show.backdropPath), "vote_average": number(show.voteAverage),
            "vote_count": JSON(show.voteCount ?? 0), "popularity": number(show.popularity),
            "networks": .array((show.networks ?? []).map(network)), "genres": .array((show.genres ?? []).map(genre)),
            "seasons": .array((show.seasons ?? []).map(seasonSummary)),
        ]
    }

    /// `MetadataSeason`.
    static func season(_ season: TMDb.Season, show: Int) -> JSON {
        [
            "id": JSON(season.id ?? 0), "tmdb_show_id": JSON(show), "season_number": JSON(season.seasonNumber),
            "name": text(season.name ?? "Season \(season.seasonNumber)"), "overview": JSON(season.overview), "air_date": date(season.airDate),
            "poster_path": JSON(season.posterPath), "episodes": .array((season.episodes ?? []).map(episodeSummary)),
        ]
    }

    /// `MetadataEpisode`.
    static func episode(_ episode: TMDb.Episode, show: Int, season: Int) -> JSON {
        guard case .object(var members) = episodeSummary(episode) else { return .null }
        members["tmdb_show_id"] = JSON(show)
        members["season_number"] = JSON(episode.seasonNumber ?? season)
        members["crew"] = .array((episode.crew ?? []).map(crewMember))
        members["guest_stars"] = .array((episode.guestStars ?? []).map(castMember))
        return .object(members)
    }

    /// `MetadataCollection`.
    static func collection(_ collection: TMDb.Collection) -> JSON {
        [
            "id": JSON(collection.id), "name": text(collection.name), "overview": JSON(collection.overview),
            "poster_path": JSON(collection.posterPath), "backdrop_path": JSON(collection.backdropPath),
            "parts": .array((collection.parts ?? []).map(collectionPart)),
        ]
    }

    /// `MetadataCollectionPart`: a search result with `id` for `tmdb_id`.
    static func collectionPart(_ movie: TMDb.MovieSummary) -> JSON {
        guard case .object(var members) = movieResult(movie) else { return .null }
        members["id"] = members.removeValue(forKey: "tmdb_id")
        return .object(members)
    }

    /// A movie's `belongs_to_collection` as a `MetadataCollection` without parts (TMDb sends no more).
    static func collectionReference(_ reference: TMDb.CollectionReference) -> JSON {
        [
            "id": JSON(reference.id), "name": text(reference.name), "overview": .null, "poster_path": JSON(reference.posterPath),
            "backdrop_path": JSON(reference.backdropPath), "parts": [],
        ]
    }

    /// `MetadataEpisodeSummary`.
    static func episodeSummary(_ episode: TMDb.Episode) -> JSON {
        [
            "id": JSON(episode.id ?? 0), "episode_number": JSON(episode.episodeNumber), "name": text(episode.name),
            "overview": JSON(episode.overview), "air_date": date(episode.airDate), "runtime": optional(episode.runtime),
            "still_path": JSON(episode.stillPath), "vote_average": number(episode.voteAverage), "vote_count": JSON(episode.voteCount ?? 0),
        ]
    }

    /// `MetadataSeasonSummary`.
    static func seasonSummary(_ season: TMDb.SeasonSummary) -> JSON {
        [
            "id": JSON(season.id ?? 0), "season_number": JSON(season.seasonNumber), "name": text(season.name ?? "Season \(season.seasonNumber)"),
            "overview": JSON(season.overview), "air_date": date(season.airDate), "episode_count": JSON(season.episodeCount ?? 0),
            "poster_path": JSON(season.posterPath),
        ]
    }

    static func genre(_ genre: TMDb.Genre) -> JSON { ["id": JSON(genre.id), "name": text(genre.name)] }

    /// `MetadataNetwork`.
    static func network(_ network: TMDb.Network) -> JSON {
        ["id": JSON(network.id), "name": text(network.name), "logo_path": JSON(network.logoPath)]
    }

    /// `MetadataCastMember`.
    static func castMember(_ member: TMDb.CastMember) -> JSON {
        [
            "id": JSON(member.id), "name": text(member.name), "character": text(member.character), "order": JSON(member.order ?? 0),
            "profile_path": JSON(member.profilePath),
        ]
    }

    /// `MetadataCrewMember`.
    static func crewMember(_ member: TMDb.CrewMember) -> JSON {
        [
            "id": JSON(member.id), "name": text(member.name), "job": text(member.job), "department": text(member.department),
            "profile_path": JSON(member.profilePath),
        ]
    }

    /// A text member that has no null in Revenge's shape.
    static func text(_ value: String?) -> JSON { .string(value ?? "") }

    /// Nil for "" as for null: TMDb sends both for "none".
    static func nonEmpty(_ value: String?) -> String? { value?.isEmpty == false ? value : nil }

    /// A number member (0 when TMDb has none).
    static func number(_ value: Double?) -> JSON { .double(value.flatMap { $0.isFinite ? $0 : nil } ?? 0) }

    static func optional(_ value: Int?) -> JSON { value.map(JSON.init) ?? .null }

    static func optional(_ value: Int64?) -> JSON { value.map(JSON.int) ?? .null }

    /// A `YYYY-MM-DD` date, or null: TMDb sends "" for an unknown date, which no `format: date` accepts.
    static func date(_ value: String?) -> JSON { JSON(TMDbDate.day(value)) }
}
