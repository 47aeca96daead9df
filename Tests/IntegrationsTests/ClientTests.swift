import HTTP
import Integrations
import Testing

/// Each client's happy path against the fake apps.
@Suite struct ClientTests {
    @Test func radarrAnswersItsStatusListsAndQueue() async throws {
        let fake = try FakeArr()
        let radarr = service(fake).radarr
        let status = try await radarr.systemStatus()
        #expect(status.version == "5.14.0.9383")
        #expect(status.instanceName == "Radarr")
        #expect(status.startTime == "2026-12-01T08:00:00Z")
        #expect(try await radarr.health().first?.type == "warning")
        let movies = try await radarr.movies()
        #expect(movies.map(\.tmdbId) == [603, 329865, 27205])
        #expect(movies.first?.hasFile == true)
        #expect(try await radarr.qualityProfiles().map(\.name) == ["Any", "HD-1080p"])
        let folders = try await radarr.rootFolders()
        #expect(folders.first?.freeSpace == 1_099_511_627_776)
        #expect(folders.last?.freeSpace == nil)
        #expect(try await radarr.queue().records.first?.trackedDownloadState == "downloading")
        #expect(try await radarr.history().records.first?.eventType == "grabbed")
    }

    @Test func radarrAddsAMovieWithTheFirstProfileAndFolder() async throws {
        let fake = try FakeArr()
        let radarr = service(fake).radarr
        let added = try await radarr.addMovie(tmdbId: 603, qualityProfileId: nil, rootFolder: nil)
        #expect(added.id == 12)
        let body = try #require(fake.body("/api/v3/movie"))
        #expect(body.contains(#""qualityProfileId":1"#))
        #expect(body.contains(#""rootFolderPath":"\/data\/movies""#) || body.contains(#""rootFolderPath":"/data/movies""#))
        #expect(body.contains(#""tmdbId":603"#))
        await #expect(throws: IntegrationError.notFound(.radarr, "movie with TMDb id 1")) { try await radarr.addMovie(tmdbId: 1) }
        #expect(try await radarr.command("RefreshMovie", movieIds: [1]).status == "queued")
    }

    @Test func addingAMovieUsesTheConfiguredProfileAndFolder() async throws {
        let fake = try FakeArr()
        var configured = settings(url: fake.baseURL)
        configured.apps[.radarr]?.qualityProfileId = 4
        configured.apps[.radarr]?.rootFolder = "/data/other"
        _ = try await IntegrationService(settings: configured).radarr.addMovie(tmdbId: 603)
        let body = try #require(fake.body("/api/v3/movie"))
        #expect(body.contains(#""qualityProfileId":4"#))
        #expect(body.contains("other"))
        #expect(fake.count("/api/v3/qualityprofile") == 0)
    }

    @Test func sonarrListsAndAddsSeries() async throws {
        let fake = try FakeArr()
        let sonarr = service(fake).sonarr
        #expect(try await sonarr.series().map(\.tvdbId) == [81189, 371980])
        #expect(try await sonarr.episodeCount() == 81)
        let added = try await sonarr.addSeries(tvdbId: 81189, qualityProfileId: 4, rootFolder: "/data/tv")
        #expect(added.id == 7)
        let body = try #require(fake.body("/api/v3/series"))
        #expect(body.contains(#""qualityProfileId":4"#))
        #expect(body.contains(#""tvdbId":81189"#))
        await #expect(throws: IntegrationError.self) { try await sonarr.addSeries(tvdbId: 5) }
    }

    @Test func prowlarrListsIndexersAndTheirStatus() async throws {
        let fake = try FakeArr()
        let prowlarr = service(fake).prowlarr
        #expect(try await prowlarr.systemStatus().version == "1.24.3.4754")
        let indexers = try await prowlarr.indexers()
        #expect(indexers.map(\.name) == ["NZBgeek", "1337x"])
        #expect(indexers.first?.protocol_ == "usenet")
        #expect(try await prowlarr.indexerStatus().first?.indexerId == 1)
    }

    @Test func overseerrHandlesRequests() async throws {
        let fake = try FakeArr()
        let overseerr = service(fake).overseerr
        #expect(try await overseerr.status().version == "1.33.2")
        let page = try await overseerr.requests()
        #expect(page.results.first?.id == 41)
        #expect(page.results.first?.requestedBy?.displayName == "alice")
        let created = try await overseerr.createRequest(mediaType: .tv, tmdbId: 1396, tvdbId: 81189, seasons: [1, 2])
        #expect(created.id == 42)
        #expect(fake.body("/api/v1/request")?.contains(#""seasons":[1,2]"#) == true)
        #expect(try await overseerr.approve(requestId: 41).status == 2)
        #expect(try await overseerr.decline(requestId: 41).status == 3)
        #expect(try await overseerr.mediaStatus(.movie, tmdbId: 603) == .available)
        #expect(try await overseerr.mediaStatus(.movie, tmdbId: 604) == nil)
    }

    @Test func tautulliAnswersActivityUnderResponseData() async throws {
        let fake = try FakeArr()
        let tautulli = service(fake).tautulli
        let activity = try await tautulli.activity()
        #expect(activity.streamCount == 2)
        #expect(activity.sessions.map(\.user) == ["alice", "bob"])
        #expect(try await tautulli.info().version == "v2.14.6")
        #expect(try await tautulli.serverInfo().name == "Winterfell-Server")
    }

    @Test func anAppSwitchedOffIsNotConfigured() async throws {
        let off = IntegrationService(settings: IntegrationSettings())
        await #expect(throws: IntegrationError.notConfigured(.radarr)) { try await off.radarr.movies() }
        #expect(IntegrationError.notConfigured(.radarr).httpError.status == 503)
        #expect(IntegrationError.notConfigured(.radarr).httpError.code == "INTEGRATION_NOT_CONFIGURED")
    }
}
