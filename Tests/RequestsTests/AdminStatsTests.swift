import Accounts
import Catalog
import Core
import FoundationEssentials
import Requests
import TestSupport
import Testing

@testable import CatalogFixtures

/// 001's admin figures from real counts: users from the account store, requests by status.
@Suite struct AdminStatsTests {
    @Test func statsCountUsersAndRequestsByStatus() async throws {
        let tmdb = try FakeTMDb()
        let box = RequestRoutesTests.ServiceBox()
        let accountsBox = AccountsBox()
        let fixture = try CatalogFixture(
            settings: { settings in
                settings.tmdbEnabled = true
                settings.tmdbBaseURL = tmdb.apiURL
                settings.tmdbAPIKey = FakeTMDb.key
                settings.tmdbRequestsPerSecond = 50
            },
            providers: { catalog in
                let service = RequestService(catalog: catalog)
                box.service = service
                let sources = AdminStatsRoutes.Sources(
                    users: {
                        guard let accounts = accountsBox.accounts else { return (0, 0, 0) }
                        return try await accounts.perform { service in
                            (
                                try service.users.count(), try service.users.countActive(since: Date().addingTimeInterval(-86_400)),
                                try service.users.countAdmins()
                            )
                        }
                    },
                    downloads: { (total: 3, active: 1, completed: 1, failed: 1) },
                    system: { (uptime: 61.4, residentBytes: 40 << 20, cpuPercent: 12.6) })
                return [RequestRoutes(service: service), AdminStatsRoutes(requests: service, sources: sources)]
            })
        accountsBox.accounts = fixture.accounts
        defer { Task { await fixture.stop() } }
        let alice = try await fixture.signedInUser("alice")
        _ = try await fixture.signedInUser("boss", roles: [Role.admin])
        for id in ["603", "1396"] {
            let reply = try await fixture.request(
                "POST", "/api/v1/media/request", headers: alice.headers, json: ["tmdbId": .string(id), "mediaType": id == "603" ? "movie" : "tv"])
            #expect(reply.status == 201)
        }
        let pending = try await fixture.owner("GET", "/api/v1/admin/requests?status=pending")
        let first = pending["data"]?["requests"]?.arrayValue?.first?["id"]?.stringValue ?? ""
        _ = try await fixture.owner("POST", "/api/v1/admin/requests/\(first)/decline")

        #expect(try await fixture.request("GET", "/api/v1/admin/stats", headers: alice.headers).status == 403)
        let stats = try await fixture.owner("GET", "/api/v1/admin/stats")["data"]
        #expect(stats?["users"] == ["total": 2, "active": 2, "admins": 1])
        #expect(stats?["requests"]?["pending"] == .int(1))
        #expect(stats?["requests"]?["denied"] == .int(1))
        #expect(stats?["requests"]?["total"] == .int(2))
        #expect(stats?["downloads"]?["active"] == .int(1))
        #expect(stats?["system"] == ["uptime": 61, "memory": "40MB", "cpu": "13%"])
    }

    final class AccountsBox: @unchecked Sendable {
        var accounts: AccountService?
    }
}
