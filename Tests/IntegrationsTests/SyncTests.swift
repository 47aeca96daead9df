import Catalog
import TestSupport
import Core
import HTTP
import Integrations
import Store
import Testing

/// 003's sync: the apps' movies and series into a real catalog, as a job.
@Suite struct SyncTests {
    /// Waits (bounded) until `app`'s sync is over; answers its job.
    func finished(_ fixture: IntegrationFixture, _ app: IntegrationApp, job: String) async throws -> JobRecord {
        for _ in 0..<400 {
            if !fixture.sync.isRunning(app) { break }
            try await Task.sleep(for: .milliseconds(25))
        }
        let database = fixture.database
        return try #require(try await database.perform { try JobStore(database: database).get(job) })
    }

    @Test func radarrMoviesAreMatchedAddedSkippedAndLetGo() async throws {
        let fixture = try IntegrationFixture()
        let library = try await fixture.library("Movies", kind: .movie, folder: "movies")
        fixture.settings.change { $0.pathMappings = [PathMapping(appPrefix: "/data/movies", localPrefix: fixture.media + "/movies")] }
        // The catalog already has The Matrix (from a scan).
        _ = try await fixture.catalog.transaction { connection in
            try connection.execute(
                "INSERT INTO movies (id, library_id, title, sort_title, tmdb_id, added_at, created_at, updated_at) VALUES ('m1', ?, 'The Matrix', 'matrix', 603, 0, 0, 0)",
                [.text(library)])
        }
        let started = try await fixture.owner("POST", "/api/v1/admin/integrations/radarr/sync")
        #expect(started.status == 202)
        #expect(started.body["status"] == "started")
        let jobID = try #require(started.body["jobId"]?.stringValue)
        let job = try await finished(fixture, .radarr, job: jobID)
        #expect(job.kind == .sync)
        #expect(job.status == .completed)
        #expect(job.progress == 100)
        #expect(job.result?["added"] == 1)
        #expect(job.result?["updated"] == 1)
        #expect(job.result?["skipped"] == 1)
        #expect(job.result?["skipped_reasons"]?[0]?.stringValue?.contains("Inception (2010): no movie library holds /elsewhere") == true)
        let rows = try await fixture.catalog.perform { connection in
            try connection.query("SELECT title, tmdb_id, radarr_id, library_id, imdb_id FROM movies ORDER BY title")
        }
        #expect(rows.map { $0[0].stringValue } == ["Arrival", "The Matrix"])
        #expect(rows[0][2].int64Value == 2)
        #expect(rows[0][3].stringValue == library)
        #expect(rows[1][2].int64Value == 1)
        #expect(rows[1][4].stringValue == "tt0133093")
        let status = try await fixture.owner("GET", "/api/v1/admin/integrations/radarr/status")
        #expect(status.body["syncStatus"]?["moviesAdded"] == 1)
        #expect(status.body["syncStatus"]?["moviesUpdated"] == 1)
        #expect(status.body["syncStatus"]?["totalMovies"] == 3)
        #expect(status.body["syncStatus"]?["lastSync"]?.stringValue != nil)

        // Radarr drops Arrival: the next sync lets it go (it has no file).
        fixture.fake.setMovies([FakeArr.defaultMovies[0]])
        let again = try await fixture.owner("POST", "/api/v1/admin/integrations/radarr/sync")
        let second = try await finished(fixture, .radarr, job: try #require(again.body["jobId"]?.stringValue))
        #expect(second.result?["removed"] == 1)
        let left = try await fixture.catalog.perform { connection in try connection.query("SELECT title FROM movies") }
        #expect(left.map { $0[0].stringValue } == ["The Matrix"])
        await fixture.stop()
    }

    @Test func sonarrSeriesAreMatchedByTVDbThenAdded() async throws {
        let fixture = try IntegrationFixture()
        let library = try await fixture.library("TV", kind: .tvshow, folder: "tv")
        fixture.settings.change { $0.pathMappings = [PathMapping(appPrefix: "/data/tv/", localPrefix: fixture.media + "/tv/")] }
        _ = try await fixture.catalog.transaction { connection in
            try connection.execute(
                "INSERT INTO series (id, library_id, title, sort_title, tvdb_id, added_at, created_at, updated_at) VALUES ('s1', ?, 'Breaking Bad', 'breaking bad', 81189, 0, 0, 0)",
                [.text(library)])
        }
        let started = try await fixture.owner("POST", "/api/v1/admin/integrations/sonarr/sync")
        let job = try await finished(fixture, .sonarr, job: try #require(started.body["jobId"]?.stringValue))
        #expect(job.status == .completed)
        #expect(job.result?["added"] == 1)
        #expect(job.result?["updated"] == 1)
        let rows = try await fixture.catalog.perform { connection in
            try connection.query("SELECT title, sonarr_id, tvdb_id, tmdb_id FROM series ORDER BY title")
        }
        #expect(rows.map { $0[0].stringValue } == ["Breaking Bad", "Severance"])
        #expect(rows[1][2].int64Value == 371980)
        #expect(rows[1][3].int64Value == 95396)
        let status = try await fixture.owner("GET", "/api/v1/admin/integrations/sonarr/status")
        #expect(status.body["syncStatus"]?["seriesAdded"] == 1)
        #expect(status.body["syncStatus"]?["totalEpisodes"] == 81)
        await fixture.stop()
    }

    @Test func aSecondSyncWhileOneRunsIsAConflict() async throws {
        // The held request must outlast the two calls before the release: on a loaded machine they
        // have taken longer than the usual five-second app time-out.
        let fixture = try IntegrationFixture(timeout: 60)
        fixture.fake.behaviour = .held
        let first = try await fixture.owner("POST", "/api/v1/admin/integrations/radarr/sync")
        #expect(first.status == 202)
        let second = try await fixture.owner("POST", "/api/v1/admin/integrations/radarr/sync")
        #expect(second.status == 409)
        #expect(fixture.sync.isRunning(.radarr))
        #expect(try await fixture.sync.status(.radarr).isRunning)
        fixture.fake.release()
        let job = try await finished(fixture, .radarr, job: try #require(first.body["jobId"]?.stringValue))
        #expect(job.status == .completed)
        // Nothing holds the movies: all three were skipped.
        #expect(job.result?["skipped"] == 3)
        await fixture.stop()
    }

    /// A client that polls the job and sees it finished may start the next sync at once: the app is let go
    /// before the final status can be read (it used to be let go after, and such a start got 409). On a quiet
    /// machine the old window was too short for this test to hit; under load it was not (Stash's sync had
    /// the same order and failed CI on it), so this guards the order rather than proving it.
    @Test func aSyncSeenFinishedCanBeFollowedAtOnce() async throws {
        let fixture = try IntegrationFixture()
        let database = fixture.database
        for round in 0..<30 {
            let started = try await fixture.owner("POST", "/api/v1/admin/integrations/radarr/sync")
            #expect(started.status == 202, "round \(round): \(started.body)")
            let jobID = try #require(started.body["jobId"]?.stringValue)
            var final = false
            // Polled as fast as the database answers, so the start below comes right after the final status.
            let deadline = ContinuousClock.now + .seconds(20)
            while !final && ContinuousClock.now < deadline {
                final = try await database.perform { try JobStore(database: database).get(jobID)?.status.isFinal } ?? false
            }
            #expect(final, "round \(round): the sync did not finish")
        }
        await fixture.stop()
    }

    @Test func aSyncARestartInterruptedIsFailed() async throws {
        let fixture = try IntegrationFixture()
        let database = fixture.database
        let job = try await database.perform {
            let job = try JobStore(database: database).create(kind: .sync, parameters: ["app": "radarr"])
            try database.execute("INSERT INTO integration_syncs (app, job_id, is_running, started_at) VALUES ('radarr', ?, 1, 0)", [.text(job.id)])
            try fixture.sync.settleInterrupted()
            return try JobStore(database: database).get(job.id)
        }
        #expect(job?.status == .failed)
        #expect(job?.error == "interrupted by a restart")
        let status = try await fixture.sync.status(.radarr)
        #expect(!status.isRunning)
        #expect(status.lastError == "interrupted by a restart")
        await fixture.stop()
    }

    @Test func aSyncOfADeadAppFailsWithTheReason() async throws {
        let fixture = try IntegrationFixture()
        fixture.fake.behaviour = .truncated
        let started = try await fixture.owner("POST", "/api/v1/admin/integrations/radarr/sync")
        let job = try await finished(fixture, .radarr, job: try #require(started.body["jobId"]?.stringValue))
        #expect(job.status == .failed)
        #expect(job.error == "Radarr's answer is not the JSON expected")
        let status = try await fixture.owner("GET", "/api/v1/admin/integrations/radarr/status")
        #expect(status.body["syncStatus"]?["lastSyncError"] == "Radarr's answer is not the JSON expected")
        await fixture.stop()
    }
}
