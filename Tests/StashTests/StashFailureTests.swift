import Core
import Stash
import Store
import TestSupport
import Testing

/// Stash down, slow, refusing the key, answering GraphQL errors or HTML: each a failed job with the
/// reason (never the key), or a clear error status.
@Suite struct StashFailureTests {
    /// Runs a full sync and answers its failed job's reason.
    func failedSync(_ fixture: StashFixture) async throws -> String {
        let job = try await fixture.sync("/api/v1/sync/all")
        #expect(job.status == .failed)
        let reason = job.error ?? ""
        #expect(!reason.contains(FakeStash.key) && !reason.contains("wrong-key"))
        return reason
    }

    @Test func stashDown() async throws {
        let fixture = try StashFixture { $0.url = "http://127.0.0.1:1" }
        defer { Task { await fixture.stop() } }
        #expect(try await failedSync(fixture) == "Stash failed: Stash is unreachable")
        let reply = try await fixture.raw("POST", "/api/v1/sync/scene/1")
        #expect(reply.status == 502)
        let stats = try await fixture.owner("GET", "/api/v1/sync/stats")
        #expect(stats["last_errors"]?["tags"] == "Stash failed: Stash is unreachable")
        // The readiness check reports the last request's failure without asking Stash.
        #expect(fixture.stash.client.lastOutcome.ready == false)
        #expect(fixture.stash.client.lastOutcome.error == "Stash failed: Stash is unreachable")
    }

    @Test func wrongKey() async throws {
        let fixture = try StashFixture { $0.apiKey = "wrong-key" }
        defer { Task { await fixture.stop() } }
        #expect(try await failedSync(fixture) == "Stash refused the API key")
        let reply = try await fixture.raw("POST", "/api/v1/scenes/1/resync")
        #expect(reply.status == 502 && !reply.text.contains("wrong-key"))
    }

    @Test func graphQLErrors() async throws {
        let fixture = try StashFixture()
        defer { Task { await fixture.stop() } }
        fixture.fake.behaviour = .graphQLErrors
        #expect(try await failedSync(fixture) == "Stash answered with an error: input: findScenes: database is locked")
    }

    @Test func htmlInsteadOfJSON() async throws {
        let fixture = try StashFixture()
        defer { Task { await fixture.stop() } }
        fixture.fake.behaviour = .html
        #expect(try await failedSync(fixture) == "Stash failed: Stash's answer is not GraphQL JSON")
    }

    @Test func slowStash() async throws {
        let fixture = try StashFixture { $0.timeoutSeconds = 1 }
        defer { Task { await fixture.stop() } }
        fixture.fake.behaviour = .slow(milliseconds: 1600)
        #expect(try await failedSync(fixture) == "Stash failed: Stash did not answer in time")
    }

    @Test func serverErrorsAreRetriedThenReported() async throws {
        let fixture = try StashFixture()
        defer { Task { await fixture.stop() } }
        fixture.fake.behaviour = .flaky(count: 2)
        #expect(try await fixture.sync("/api/v1/sync/tags").status == .completed)
        fixture.fake.behaviour = .status(500)
        #expect(try await failedSync(fixture) == "Stash failed: Stash answered HTTP 500")
        // 400 is not retried and not a GraphQL answer.
        fixture.fake.behaviour = .status(400)
        #expect(try await failedSync(fixture) == "Stash failed: Stash answered HTTP 400")
    }

    @Test func notConfigured() async throws {
        let fixture = try StashFixture { $0.enabled = false }
        defer { Task { await fixture.stop() } }
        for path in ["/api/v1/sync/all", "/api/v1/sync/scenes", "/api/v1/scenes/sync", "/api/v1/sync/scene/1", "/api/v1/scenes/1/resync"] {
            let reply = try await fixture.raw("POST", path)
            #expect(reply.status == 503, "\(path)")
        }
        // Reads work from the (empty) copy.
        #expect(try await fixture.owner("GET", "/api/v1/scenes")["total"] == 0)
        let test = try await fixture.owner("POST", "/api/v1/settings/test-stash")
        #expect(test["success"] == false)
    }

    @Test func connectionTest() async throws {
        let fixture = try StashFixture()
        defer { Task { await fixture.stop() } }
        #expect(fixture.stash.client.lastOutcome.ready)
        let saved = try await fixture.owner("POST", "/api/v1/settings/test-stash")
        #expect(saved["success"] == true && saved["service"] == "stash")
        #expect(saved["details"]?["scene_count"] == 240 && saved["details"]?["server_version"] == "v0.27.2")
        let wrong = try await fixture.owner("POST", "/api/v1/settings/test-stash", json: ["api_key": "wrong-key"])
        #expect(wrong["success"] == false && wrong["message"] == "Stash refused the API key")
        let down = try await fixture.owner("POST", "/api/v1/settings/test-stash", json: ["url": "http://127.0.0.1:1"])
        #expect(down["message"] == "Stash failed: Stash is unreachable")
        try await fixture.owner("POST", "/api/v1/settings/test-stash", json: ["url": "ftp://example.com"], expect: 400)
        try await fixture.owner("POST", "/api/v1/settings/test-stash", json: ["api_key": 7], expect: 400)
    }
}
