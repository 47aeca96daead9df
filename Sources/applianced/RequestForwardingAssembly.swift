import Catalog
import HTTP
import Integrations
import Requests

/// The media requests' way out (`RequestForwarding`) over the integration clients: Overseerr when it is
/// configured, else Radarr for movies and Sonarr for shows, with the configured quality profile and
/// root folder (`integrations.<app>.quality_profile_id`, `root_folder`).
enum RequestForwardingAssembly {
    static func forwarding(_ service: IntegrationService, tmdb: TMDbClient) -> RequestForwarding {
        RequestForwarding(
            forward: { request throws(HTTPError) in
                do throws(IntegrationError) {
                    return try await forward(request, service, tvdbID: request.kind == .tv ? await tvdbID(of: request.tmdbID, tmdb) : nil)
                } catch {
                    throw error.httpError
                }
            },
            status: { request in await status(request, service) },
            has: { kind, tmdbID in await has(kind, tmdbID, service) })
    }

    /// A show's TVDb id from TMDb's external ids (Sonarr adds series by TVDb id); nil when TMDb has none.
    static func tvdbID(of tmdbID: Int, _ tmdb: TMDbClient) async -> Int? {
        guard tmdb.isConfigured else { return nil }
        return try? await tmdb.show(tmdbID).externalIds?.tvdbId
    }

    /// `tvdbID` is the show's TVDb id when TMDb knew it; without it Sonarr is asked by TMDb id.
    static func forward(
        _ request: MediaRequest, _ service: IntegrationService, tvdbID: Int?
    ) async throws(IntegrationError) -> RequestForwarding.Receipt {
        if service.connection(.overseerr).isConfigured {
            let created = try await service.overseerr.createRequest(
                mediaType: request.kind == .movie ? .movie : .tv, tmdbId: request.tmdbID, seasons: request.seasons.isEmpty ? nil : request.seasons)
            return RequestForwarding.Receipt(target: "overseerr", remoteID: String(created.id))
        }
        switch request.kind {
        case .movie:
            guard service.connection(.radarr).isConfigured else { throw IntegrationError.notConfigured(.radarr) }
            let movie = try await service.radarr.addMovie(tmdbId: request.tmdbID)
            return RequestForwarding.Receipt(target: "radarr", remoteID: movie.id.map(String.init))
        case .tv:
            guard service.connection(.sonarr).isConfigured else { throw IntegrationError.notConfigured(.sonarr) }
            var tvdb = tvdbID
            if tvdb == nil {
                let found = try await service.sonarr.lookup(term: "tmdb:\(request.tmdbID)")
                guard let show = found.first(where: { $0.tmdbId == request.tmdbID }) ?? found.first else {
                    throw IntegrationError.notFound(.sonarr, "show with TMDb id \(request.tmdbID)")
                }
                tvdb = show.tvdbId
            }
            let series = try await service.sonarr.addSeries(tvdbId: tvdb ?? 0)
            return RequestForwarding.Receipt(target: "sonarr", remoteID: series.id.map(String.init))
        }
    }

    /// What the app the request went to says now; nil when it cannot tell or says nothing new.
    static func status(_ request: MediaRequest, _ service: IntegrationService) async -> (status: MediaRequest.Status, reason: String?)? {
        switch request.target {
        case "overseerr":
            guard let media = try? await service.overseerr.mediaStatus(request.kind == .movie ? .movie : .tv, tmdbId: request.tmdbID) else { return nil }
            switch media {
            case .available: return (.available, nil)
            case .processing, .partiallyAvailable: return (.processing, nil)
            default: return nil
            }
        case "radarr":
            guard let movie = try? await service.radarr.movies().first(where: { $0.tmdbId == request.tmdbID }) else { return nil }
            return movie.hasFile == true ? (.available, nil) : (.processing, nil)
        case "sonarr":
            guard let show = try? await service.sonarr.series().first(where: { $0.tmdbId == request.tmdbID }) else { return nil }
            let files = show.statistics?.episodeFileCount ?? 0, episodes = show.statistics?.episodeCount ?? 0
            return files > 0 && files >= episodes ? (.available, nil) : (.processing, nil)
        default:
            return nil
        }
    }

    /// Whether Radarr (movies) or Sonarr (shows) already has the title on disk (a movie file, an episode
    /// file); nil when that app is not configured or fails.
    static func has(_ kind: MediaRequest.Kind, _ tmdbID: Int, _ service: IntegrationService) async -> Bool? {
        switch kind {
        case .movie:
            guard service.connection(.radarr).isConfigured, let movies = try? await service.radarr.movies() else { return nil }
            return movies.contains { $0.tmdbId == tmdbID && $0.hasFile == true }
        case .tv:
            guard service.connection(.sonarr).isConfigured, let series = try? await service.sonarr.series() else { return nil }
            return series.contains { $0.tmdbId == tmdbID && ($0.statistics?.episodeFileCount ?? 0) > 0 }
        }
    }
}
