import Store

/// Writing a TMDb show into its `series` row, networks, genres, credits, seasons and episodes.
extension MetadataRefresher {
    /// The most seasons fetched per show (the latest ones): a daily show with decades of seasons must
    /// not take hundreds of requests.
    static let seasonLimit = 60

    /// The details of the show's seasons: every regular season, and specials (0) when the catalog has them.
    func seasons(of show: TMDb.Show, series id: String, language: String?) async throws(MetadataError) -> [TMDb.Season] {
        let local =
            (try? await catalog.perform { connection in
                try connection.query("SELECT season_number FROM seasons WHERE series_id = ?", [.text(id)]).compactMap { $0[0].intValue }
            }) ?? []
        let numbers = (show.seasons ?? []).map(\.seasonNumber).filter { $0 > 0 || local.contains($0) }
        var details: [TMDb.Season] = []
        for number in Set(numbers).sorted().suffix(Self.seasonLimit) {
            details.append(try await tmdb.season(show: show.id, number, language: language))
        }
        return details
    }

    /// Writes `show` over series row `id`, then its networks, genres, credits, seasons, episodes and
    /// search row. Called inside the refresh's one transaction.
    static func write(_ show: TMDb.Show, seasons: [TMDb.Season], to id: String, _ connection: Connection, now: Int64) throws(SQLiteError) {
        let title = show.name.flatMap { $0.isEmpty ? nil : $0 }
        try connection.execute(
            """
            UPDATE series SET title = coalesce(?1, title),
                sort_title = CASE WHEN ?1 IS NULL OR ?1 = title THEN sort_title ELSE ?2 END,
                original_title = ?3, original_language = ?4, tagline = ?5, overview = ?6, status = ?7, type = ?8,
                first_air_date = ?9, last_air_date = ?10, year = coalesce(?11, year), vote_average = ?12, vote_count = ?13,
                popularity = ?14, poster_path = ?15, backdrop_path = ?16, trailer_url = ?17, homepage = ?18, tmdb_id = ?19,
                tvdb_id = ?20, imdb_id = ?21, metadata_updated_at = ?22, metadata_error = NULL, updated_at = ?22
            WHERE id = ?23
            """,
            [
                SQLValue(title), SQLValue(title.map(sortTitle)), SQLValue(show.originalName), SQLValue(show.originalLanguage),
                SQLValue(MetadataJSON.nonEmpty(show.tagline)), SQLValue(show.overview), SQLValue(show.status), SQLValue(show.type),
                SQLValue(TMDbDate.day(show.firstAirDate)), SQLValue(TMDbDate.day(show.lastAirDate)), SQLValue(TMDbDate.year(show.firstAirDate)),
                SQLValue(show.voteAverage), SQLValue(show.voteCount), SQLValue(show.popularity), SQLValue(show.posterPath),
                SQLValue(show.backdropPath), SQLValue(show.videos?.trailerURL), SQLValue(MetadataJSON.nonEmpty(show.homepage)),
                .integer(Int64(show.id)), SQLValue(show.externalIds?.tvdbId), SQLValue(MetadataJSON.nonEmpty(show.externalIds?.imdbId)),
                .integer(now), .text(id),
            ])
        // Deleted while TMDb was asked: nothing to attach genres or credits to.
        guard connection.changes > 0 else { return }
        try replaceNetworks(show.networks ?? [], series: id, connection, now: now)
        try replaceGenres(show.genres ?? [], table: "series_genres", column: "series_id", owner: id, connection, now: now)
        let creators = (show.createdBy ?? []).map {
            TMDb.CrewMember(id: $0.id, name: $0.name, job: "Creator", department: "Writing", profilePath: $0.profilePath)
        }
        try replaceCredits(show.credits, extraCrew: creators, table: "series_credits", column: "series_id", owner: id, connection, now: now)
        for season in seasons {
            let summary = show.seasons?.first { $0.seasonNumber == season.seasonNumber }
            try upsertSeason(season, summary: summary, series: id, connection, now: now)
        }
        try SearchIndex.refreshSeries(connection, id: id)
    }

    /// Replaces the networks of series `id`, upserting each network by TMDb id.
    static func replaceNetworks(_ networks: [TMDb.Network], series id: String, _ connection: Connection, now: Int64) throws(SQLiteError) {
        try connection.execute("DELETE FROM series_networks WHERE series_id = ?", [.text(id)])
        for network in networks where network.id > 0 {
            let row = try connection.queryOne(
                """
                INSERT INTO networks (id, tmdb_id, name, logo_path, origin_country, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (tmdb_id) DO UPDATE SET name = excluded.name, logo_path = coalesce(excluded.logo_path, logo_path),
                    origin_country = coalesce(excluded.origin_country, origin_country), updated_at = excluded.updated_at
                RETURNING id
                """,
                [
                    .text(newID()), .integer(Int64(network.id)), .text(network.name ?? "Network \(network.id)"), SQLValue(network.logoPath),
                    SQLValue(MetadataJSON.nonEmpty(network.originCountry)), .integer(now), .integer(now),
                ])
            guard let networkID = row?[0].stringValue else { continue }
            try connection.execute("INSERT OR IGNORE INTO series_networks (series_id, network_id) VALUES (?, ?)", [.text(id), .text(networkID)])
        }
    }

    /// The season row (made or updated) and its episodes: existing ones updated, missing ones added
    /// with `added_at` now (the scanner links files to them by season and episode number).
    static func upsertSeason(
        _ season: TMDb.Season, summary: TMDb.SeasonSummary?, series id: String, _ connection: Connection, now: Int64
    ) throws(SQLiteError) {
        let row = try connection.queryOne(
            """
            INSERT INTO seasons (id, series_id, season_number, tmdb_id, name, overview, poster_path, air_date, vote_average, created_at, updated_at)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)
            ON CONFLICT (series_id, season_number) DO UPDATE SET tmdb_id = excluded.tmdb_id, name = excluded.name,
                overview = excluded.overview, poster_path = coalesce(excluded.poster_path, poster_path), air_date = excluded.air_date,
                vote_average = excluded.vote_average, updated_at = excluded.updated_at
            RETURNING id
            """,
            [
                .text(newID()), .text(id), .integer(Int64(season.seasonNumber)), SQLValue(season.id ?? summary?.id),
                .text(MetadataJSON.nonEmpty(season.name) ?? "Season \(season.seasonNumber)"), SQLValue(MetadataJSON.nonEmpty(season.overview)),
                SQLValue(season.posterPath ?? summary?.posterPath), SQLValue(TMDbDate.day(season.airDate)),
                SQLValue(season.voteAverage ?? summary?.voteAverage), .integer(now),
            ])
        guard let seasonID = row?[0].stringValue else { return }
        for episode in season.episodes ?? [] where (0...10_000).contains(episode.episodeNumber) {
            try upsertEpisode(episode, season: season.seasonNumber, seasonID: seasonID, series: id, connection, now: now)
        }
    }

    /// One episode row by (series, season, episode number): updated, or added with `added_at` now.
    static func upsertEpisode(
        _ episode: TMDb.Episode, season: Int, seasonID: String, series id: String, _ connection: Connection, now: Int64
    ) throws(SQLiteError) {
        try connection.execute(
            """
            INSERT INTO episodes (id, series_id, season_id, season_number, episode_number, title, overview, air_date, runtime,
                vote_average, vote_count, still_path, production_code, tmdb_id, added_at, created_at, updated_at)
            VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?15, ?15)
            ON CONFLICT (series_id, season_number, episode_number) DO UPDATE SET season_id = excluded.season_id,
                title = coalesce(excluded.title, title), overview = excluded.overview, air_date = excluded.air_date,
                runtime = excluded.runtime, vote_average = excluded.vote_average, vote_count = excluded.vote_count,
                still_path = coalesce(excluded.still_path, still_path), production_code = excluded.production_code,
                tmdb_id = excluded.tmdb_id, updated_at = excluded.updated_at
            """,
            [
                .text(newID()), .text(id), .text(seasonID), .integer(Int64(season)), .integer(Int64(episode.episodeNumber)),
                SQLValue(MetadataJSON.nonEmpty(episode.name)), SQLValue(MetadataJSON.nonEmpty(episode.overview)),
                SQLValue(TMDbDate.day(episode.airDate)), SQLValue(episode.runtime.flatMap { $0 > 0 ? $0 : nil }),
                SQLValue(episode.voteAverage), SQLValue(episode.voteCount), SQLValue(episode.stillPath),
                SQLValue(MetadataJSON.nonEmpty(episode.productionCode)), SQLValue(episode.id), .integer(now),
            ])
    }
}
