import Accounts
import Core
import FoundationEssentials
import HTTP
import TestSupport
import Testing

/// 003's activity routes: filters, paging, per-user and per-resource views, stats and actions, their
/// bad queries; and the retention sweep.
struct ActivityRoutesTests {
    static func json(_ reply: RawHTTPClient.Reply) throws -> JSON { try JSON.parseStrict(reply.body) }

    static let base = Date(timeIntervalSince1970: 1_780_000_000)

    /// Five entries a minute apart from `base`: three logins of ann (one failed), a key of ben, a setting.
    static func seed(_ fixture: AccountRoutesFixture, ann: String, ben: String) async throws {
        let entries = [
            ActivityEntry(userID: ann, username: "ann", action: ActivityAction.login, resourceType: "session", resourceID: "s1"),
            ActivityEntry(userID: ann, username: "ann", action: ActivityAction.loginFailed, resourceType: "session", success: false),
            ActivityEntry(userID: ben, username: "ben", action: ActivityAction.apiKeyCreated, resourceType: "apikey", resourceID: "k1"),
            ActivityEntry(userID: ann, username: "ann", action: ActivityAction.login, resourceType: "session", resourceID: "s2"),
            ActivityEntry(action: ActivityAction.settingsWrite, resourceType: "settings", resourceID: "auth"),
        ]
        try await fixture.service.perform { service in
            for (index, entry) in entries.enumerated() {
                try service.activity.record(entry, now: base.addingTimeInterval(Double(index) * 60))
            }
        }
    }

    @Test func searchFiltersAndPagesNewestFirst() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        let (ann, ben) = (try await fixture.user("ann"), try await fixture.user("ben"))
        try await Self.seed(fixture, ann: ann.id, ben: ben.id)
        func get(_ query: String) async throws -> JSON {
            let reply = try await fixture.request("GET", "/api/v1/admin/activity" + query, headers: fixture.owner)
            #expect(reply.status == 200, "\(query): \(reply.text)")
            return try Self.json(reply)
        }
        let all = try await get("")
        #expect(all["total"] == 5 && all["page"] == 1 && all["page_size"] == 50)
        #expect(
            all["entries"]?.arrayValue?.map { $0["action"] } == ["settings.write", "auth.login", "apikey.created", "auth.login_failed", "auth.login"])
        let first = all["entries"]?.arrayValue?.first
        #expect(first?["created_at"] == "2026-05-28T20:30:40Z" && first?["user_id"] == .null && first?["metadata"] == [:])

        let page2 = try await get("?limit=2&page=2")
        #expect(
            page2["total"] == 5 && page2["page"] == 2
                && page2["entries"]?.arrayValue?.map { $0["action"] } == ["apikey.created", "auth.login_failed"])
        #expect(try await get("?limit=2&offset=4")["entries"]?.arrayValue?.count == 1)
        #expect(try await get("?user_id=\(ann.id)")["total"] == 3)
        #expect(try await get("?action=auth.login")["total"] == 2)
        #expect(try await get("?success=false")["entries"]?.arrayValue?.map { $0["action"] } == ["auth.login_failed"])
        #expect(try await get("?resource_type=apikey&resource_id=k1")["total"] == 1)
        #expect(try await get("?since=2026-05-28T20:27:40Z&until=2026-05-28T20:29:40Z")["total"] == 2)
        #expect(try await get("?start_time=2026-05-28T20:28:40.000Z")["total"] == 3)
        #expect(try await get("?end_time=2026-05-28T22:27:40%2B02:00")["total"] == 1)
    }

    static let badQueries: [(String, String)] = [
        ("limit=0", "limit"), ("limit=101", "limit"), ("limit=x", "limit"), ("offset=-1", "offset"), ("page=0", "page"),
        ("page=2&offset=3", "page"), ("success=maybe", "success"), ("since=yesterday", "since"), ("end_time=2026-13-01T00:00:00Z", "end_time"),
        ("since=2026-01-02T00:00:00Z&until=2026-01-01T00:00:00Z", "until"), ("since=2026-01-01T00:00:00Z&start_time=2026-01-01T00:00:00Z", "since"),
        ("action=" + String(repeating: "a", count: 65), "action"),
    ]

    @Test(arguments: badQueries) func aBadQueryIs400NamingTheParameter(query: String, parameter: String) async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        let reply = try await fixture.request("GET", "/api/v1/admin/activity?" + query, headers: fixture.owner)
        #expect(reply.status == 400)
        #expect(try Self.json(reply)["detail"] == .string(parameter))
    }

    @Test func oneUserOneResourceStatsAndActions() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        let (ann, ben) = (try await fixture.user("ann"), try await fixture.user("ben"))
        try await Self.seed(fixture, ann: ann.id, ben: ben.id)

        let annLog = try Self.json(try await fixture.request("GET", "/api/v1/admin/activity/users/\(ann.id)?limit=2", headers: fixture.owner))
        #expect(annLog["total"] == 3 && annLog["entries"]?.arrayValue?.count == 2)
        #expect(try await fixture.request("GET", "/api/v1/admin/activity/users/nobody", headers: fixture.owner).status == 404)
        #expect(try await fixture.request("GET", "/api/v1/admin/activity/users/\(ann.id)?limit=500", headers: fixture.owner).status == 400)

        let key = try Self.json(try await fixture.request("GET", "/api/v1/admin/activity/resources/apikey/k1", headers: fixture.owner))
        #expect(key["total"] == 1 && key["entries"]?.arrayValue?.first?["username"] == "ben")
        let none = try Self.json(try await fixture.request("GET", "/api/v1/admin/activity/resources/apikey/k9", headers: fixture.owner))
        #expect(none["total"] == 0)

        let stats = try Self.json(try await fixture.request("GET", "/api/v1/admin/activity/stats", headers: fixture.owner))
        #expect(
            stats
                == [
                    "total_count": 5, "success_count": 4, "failed_count": 1, "oldest_entry": "2026-05-28T20:26:40Z",
                    "newest_entry": "2026-05-28T20:30:40Z",
                ])
        let window = try Self.json(
            try await fixture.request("GET", "/api/v1/admin/activity/stats?since=2026-05-28T20:29:00Z", headers: fixture.owner))
        #expect(window["total_count"] == 2)

        let actions = try Self.json(try await fixture.request("GET", "/api/v1/admin/activity/actions?limit=2", headers: fixture.owner))
        #expect(actions["actions"]?.arrayValue?.count == 2)
        #expect(actions["actions"]?.arrayValue?.first == ["action": "auth.login", "count": 2])
        #expect(try await fixture.request("GET", "/api/v1/admin/activity/actions?limit=51", headers: fixture.owner).status == 400)
    }

    @Test func aModeratorReadsTheLog() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        try await fixture.user("moe", roles: [Role.moderator])
        let bearer = AccountRoutesFixture.bearer(try await fixture.login("moe").access)
        let reply = try await fixture.request("GET", "/api/v1/admin/activity?action=auth.login", headers: bearer)
        #expect(reply.status == 200)
        // Its own login is there, with where it came from, and no secret.
        let entry = try Self.json(reply)["entries"]?.arrayValue?.first
        #expect(entry?["username"] == "moe" && entry?["ip_address"] == "127.0.0.1")
        #expect(!reply.text.contains("argon2") && !reply.text.contains("correct horse"))
    }

    @Test func theSweepPrunesOldEntriesEndedSessionsAndSpentTokens() async throws {
        let fixture = try AccountRoutesFixture(settings: { $0.activityRetentionDays = 30 })
        defer { Task { await fixture.stop() } }
        let ann = try await fixture.user("ann")
        let now = Date()
        let day: TimeInterval = 86_400
        try await fixture.service.perform { service in
            try service.activity.record(ActivityEntry(action: ActivityAction.login), now: now.addingTimeInterval(-31 * day))
            try service.activity.record(ActivityEntry(action: ActivityAction.logout), now: now.addingTimeInterval(-29 * day))
            _ = try service.sessions.create(userID: ann.id, now: now.addingTimeInterval(-30 * day))
            _ = try service.sessions.create(userID: ann.id, now: now)
            _ = try service.emailTokens.issue(
                userID: ann.id, email: "ann@example.com", purpose: .resetPassword, now: now.addingTimeInterval(-2 * day))
            _ = try service.emailTokens.issue(userID: ann.id, email: "ann@example.com", purpose: .verifyEmail, now: now)
        }
        let swept = try await fixture.service.sweep(now: now)
        #expect(swept == RetentionSweep(activityEntries: 1, sessions: 1, emailTokens: 1))
        let left = try await fixture.service.perform { try $0.activity.query().items.map(\.action) }
        #expect(left == [ActivityAction.logout])
        #expect(try await fixture.service.sweep(now: now) == RetentionSweep(activityEntries: 0, sessions: 0, emailTokens: 0))
    }

    @Test func theRetentionTaskSweepsAtOnceAndStopsWhenCancelled() async throws {
        let fixture = try AccountRoutesFixture(settings: { $0.activityRetentionDays = 1 })
        defer { Task { await fixture.stop() } }
        _ = try await fixture.service.perform { service in
            try service.activity.record(ActivityEntry(action: ActivityAction.login), now: Date().addingTimeInterval(-2 * 86_400))
        }
        let task = fixture.service.startRetention(every: .seconds(3600))
        for _ in 0..<200 {
            if try await fixture.service.perform({ try $0.activity.query().total }) == 0 { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        task.cancel()
        await task.value
        #expect(try await fixture.service.perform { try $0.activity.query().total } == 0)
    }
}
