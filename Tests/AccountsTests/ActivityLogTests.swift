import Accounts
import Core
import FoundationEssentials
import Store
import Testing

struct ActivityLogTests {
    let day: TimeInterval = 86_400
    let start = Date(timeIntervalSince1970: 1_900_000_000)

    func seeded() throws -> AccountsFixture {
        let f = try AccountsFixture()
        let log = f.activity
        try log.record(
            ActivityEntry(userID: "u1", username: "ann", action: ActivityAction.login, ipAddress: "192.0.2.1", userAgent: "Firefox"), now: start)
        try log.record(
            ActivityEntry(
                username: "ghost", action: ActivityAction.loginFailed, success: false, errorMessage: "bad password",
                ipAddress: "192.0.2.9"), now: start.addingTimeInterval(60))
        try log.record(
            ActivityEntry(
                userID: "u1", username: "ann", action: ActivityAction.settingsWrite, resourceType: "settings",
                resourceID: "plex.url", details: ["old": "a", "new": "b"]), now: start.addingTimeInterval(day))
        try log.record(
            ActivityEntry(
                userID: "u2", username: "ben", action: ActivityAction.apiKeyCreated, resourceType: "apikey",
                resourceID: "k1"), now: start.addingTimeInterval(2 * day))
        try log.record(
            ActivityEntry(userID: "u2", username: "ben", action: ActivityAction.loginFailed, success: false),
            now: start.addingTimeInterval(3 * day))
        return f
    }

    @Test func appendAndQueryWithFilters() throws {
        let f = try seeded()
        let all = try f.activity.query()
        #expect(all.total == 5 && all.items.first?.action == ActivityAction.loginFailed && all.items.last?.action == ActivityAction.login)
        #expect(all.items.last?.ipAddress == "192.0.2.1" && all.items.last?.userAgent == "Firefox" && all.items.last?.createdAt == start)
        #expect(try f.activity.query(ActivityFilter(userID: "u1")).items.map(\.action) == [ActivityAction.settingsWrite, ActivityAction.login])
        #expect(try f.activity.query(ActivityFilter(action: ActivityAction.loginFailed)).total == 2)
        #expect(try f.activity.query(ActivityFilter(success: false)).items.map(\.username) == ["ben", "ghost"])
        let resource = try f.activity.query(ActivityFilter(resourceType: "settings", resourceID: "plex.url")).items
        #expect(resource.count == 1 && resource.first?.details == ["old": "a", "new": "b"])
        let window = try f.activity.query(ActivityFilter(since: start.addingTimeInterval(60), until: start.addingTimeInterval(2 * day)))
        #expect(window.items.map(\.action) == [ActivityAction.settingsWrite, ActivityAction.loginFailed])
        let paged = try f.activity.query(offset: 1, limit: 2)
        #expect(paged.total == 5 && paged.items.map(\.action) == [ActivityAction.apiKeyCreated, ActivityAction.settingsWrite])
    }

    @Test func statsCountActionsAndFailuresInAWindow() throws {
        let f = try seeded()
        let stats = try f.activity.stats()
        #expect(stats.total == 5 && stats.succeeded == 3 && stats.failed == 2)
        #expect(stats.oldest == start && stats.newest == start.addingTimeInterval(3 * day))
        #expect(stats.actions.first?.action == ActivityAction.loginFailed && stats.actions.first?.count == 2)
        #expect(stats.actions.count == 4)
        let recent = try f.activity.stats(ActivityFilter(since: start.addingTimeInterval(day)))
        #expect(recent.total == 3 && recent.failed == 1)
        let empty = try f.activity.stats(ActivityFilter(userID: "nobody"))
        #expect(empty.total == 0 && empty.failed == 0 && empty.oldest == nil && empty.newest == nil && empty.actions.isEmpty)
    }

    @Test func pruneKeepsTheRetentionWindow() throws {
        let f = try seeded()
        let now = start.addingTimeInterval(3 * day + 60)
        #expect(try f.activity.prune(olderThanDays: 2, now: now) == 3)
        #expect(try f.activity.query().items.map(\.action) == [ActivityAction.loginFailed, ActivityAction.apiKeyCreated])
        #expect(try f.activity.prune(olderThanDays: 30, now: now) == 0)
        #expect(throws: AccountError.self) { try f.activity.prune(olderThanDays: -1) }
    }

    @Test func badEntriesAreRefusedAndLongHeadersCut() throws {
        let f = try AccountsFixture()
        #expect(throws: AccountError.self) { try f.activity.record(ActivityEntry(action: "")) }
        #expect(throws: AccountError.self) { try f.activity.record(ActivityEntry(action: "Auth Login")) }
        #expect(throws: AccountError.self) { try f.activity.record(ActivityEntry(action: "a.b", details: [1])) }
        #expect(throws: AccountError.self) {
            try f.activity.record(ActivityEntry(action: "a.b", details: ["x": .string(String(repeating: "y", count: 17_000))]))
        }
        let stored = try f.activity.record(ActivityEntry(action: "auth.login", userAgent: String(repeating: "u", count: 5000)))
        #expect(stored.userAgent?.count == 512)
        #expect(try f.activity.query().items.first?.userAgent?.count == 512)
    }

    @Test func entriesOutliveTheirUser() throws {
        let f = try AccountsFixture()
        let u = try f.user("cleo")
        try f.activity.record(ActivityEntry(userID: u.id, username: u.username, action: ActivityAction.login))
        #expect(try f.users.delete(u.id))
        #expect(try f.activity.query(ActivityFilter(userID: u.id)).total == 1)
    }
}
