import Accounts
import Dispatch
import FoundationEssentials
import Store
import Synchronization
import Testing

struct SessionStoreTests {
    let start = Date(timeIntervalSince1970: 1_900_000_000)

    @Test func createRotateAndTheSpentTokenIsRefused() throws {
        let f = try AccountsFixture()
        let u = try f.user("hank")
        let issued = try f.sessions.create(userID: u.id, userAgent: "curl/8", ipAddress: "192.0.2.1", now: start)
        #expect(issued.refreshToken.count == 43)
        #expect(issued.session.expiresAt == start.addingTimeInterval(7 * 86_400) && !issued.session.remember)
        #expect(try f.sessions.isActive(issued.session.id, now: start))

        let later = start.addingTimeInterval(3600)
        guard case .rotated(let next) = try f.sessions.rotate(presented: issued.refreshToken, ipAddress: "192.0.2.2", now: later) else {
            Issue.record("expected a rotation")
            return
        }
        #expect(next.session.id == issued.session.id && next.refreshToken != issued.refreshToken)
        #expect(next.session.lastUsedAt == later && next.session.ipAddress == "192.0.2.2" && next.session.userAgent == "curl/8")
        #expect(next.session.expiresAt == later.addingTimeInterval(7 * 86_400))

        // The successor works once more.
        guard case .rotated(let third) = try f.sessions.rotate(presented: next.refreshToken, now: later) else {
            Issue.record("expected a second rotation")
            return
        }
        #expect(third.session.id == issued.session.id)
    }

    @Test func reusingARotatedTokenRevokesTheWholeFamily() throws {
        let f = try AccountsFixture()
        let u = try f.user("ivy")
        let other = try f.sessions.create(userID: u.id, now: start)
        let issued = try f.sessions.create(userID: u.id, now: start)
        guard case .rotated(let next) = try f.sessions.rotate(presented: issued.refreshToken, now: start) else {
            Issue.record("expected a rotation")
            return
        }
        #expect(try f.sessions.rotate(presented: issued.refreshToken, now: start) == .reused(sessionID: issued.session.id, userID: u.id))
        // The thief's successor token is dead too, and so is the session behind the access token.
        #expect(try f.sessions.rotate(presented: next.refreshToken, now: start) == .revoked)
        #expect(try !f.sessions.isActive(issued.session.id, now: start))
        // Another device of the same user is not touched.
        #expect(try f.sessions.isActive(other.session.id, now: start))
        #expect(try f.sessions.list(userID: u.id, now: start).map(\.id) == [other.session.id])
    }

    @Test func expiredAndUnknownTokensAreRefused() throws {
        let f = try AccountsFixture()
        let u = try f.user("jack")
        let short = try f.sessions.create(userID: u.id, now: start)
        let remembered = try f.sessions.create(userID: u.id, remember: true, now: start)
        #expect(remembered.session.expiresAt == start.addingTimeInterval(30 * 86_400))
        let eightDays = start.addingTimeInterval(8 * 86_400)
        #expect(try f.sessions.rotate(presented: short.refreshToken, now: eightDays) == .expired)
        #expect(try !f.sessions.isActive(short.session.id, now: eightDays))
        guard case .rotated = try f.sessions.rotate(presented: remembered.refreshToken, now: eightDays) else {
            Issue.record("a remembered session lasts 30 days")
            return
        }
        #expect(try f.sessions.rotate(presented: "not-a-token", now: start) == .unknown)
        #expect(try f.sessions.rotate(presented: "", now: start) == .unknown)
        #expect(try f.sessions.rotate(presented: String(repeating: "a", count: 10_000), now: start) == .unknown)
    }

    @Test func listRevokeRevokeAllAndPurge() throws {
        let f = try AccountsFixture()
        let u = try f.user("kim")
        let v = try f.user("lee")
        let a = try f.sessions.create(userID: u.id, now: start)
        let b = try f.sessions.create(userID: u.id, now: start.addingTimeInterval(1))
        let c = try f.sessions.create(userID: u.id, now: start.addingTimeInterval(2))
        let theirs = try f.sessions.create(userID: v.id, now: start)
        #expect(try f.sessions.list(userID: u.id, now: start).map(\.id) == [c.session.id, b.session.id, a.session.id])
        // A user cannot revoke someone else's session.
        #expect(try !f.sessions.revoke(theirs.session.id, userID: u.id, now: start))
        #expect(try f.sessions.revoke(a.session.id, userID: u.id, now: start))
        #expect(try !f.sessions.revoke(a.session.id, now: start))
        #expect(try f.sessions.rotate(presented: a.refreshToken, now: start) == .revoked)
        #expect(try f.sessions.session(presented: b.refreshToken)?.id == b.session.id)
        #expect(try f.sessions.revokeAll(userID: u.id, keeping: c.session.id, now: start) == 1)
        #expect(try f.sessions.list(userID: u.id, now: start).map(\.id) == [c.session.id])
        #expect(try f.sessions.revokeAll(userID: u.id, now: start) == 1)
        #expect(try f.sessions.list(userID: u.id, now: start).isEmpty)
        #expect(try f.sessions.isActive(theirs.session.id, now: start))

        #expect(try f.sessions.purge(before: start.addingTimeInterval(1)) == 3)
        #expect(try f.sessions.get(theirs.session.id) != nil)
        #expect(try f.sessions.purge(before: start.addingTimeInterval(8 * 86_400)) == 1)
        #expect(try f.database.queryOne("SELECT COUNT(*) FROM rotated_refresh_tokens")?[0].intValue == 0)
    }

    @Test func onlyHashesAreStored() throws {
        let f = try AccountsFixture()
        let u = try f.user("max")
        let issued = try f.sessions.create(userID: u.id, now: start)
        let dump = try f.database.query("SELECT * FROM sessions").map { "\($0.values)" }.joined()
        #expect(!dump.contains(issued.refreshToken))
    }

    @Test func aSessionNeedsAUserAndGoesWithIt() throws {
        let f = try AccountsFixture()
        #expect(throws: AccountError.notFound("user")) { try f.sessions.create(userID: "missing", now: start) }
        let u = try f.user("ned")
        let issued = try f.sessions.create(userID: u.id, now: start)
        #expect(try f.users.delete(u.id))
        #expect(try f.sessions.rotate(presented: issued.refreshToken, now: start) == .unknown)
    }
}

struct SessionRaceTests {
    /// Two clients presenting the same refresh token at once: one rotates, the other is a reuse and
    /// the family dies, whichever order the database serialises them in.
    @Test func aRaceOnOneTokenRotatesOnceAndRevokes() throws {
        let f = try AccountsFixture()
        let u = try f.user("racer")
        let issued = try f.sessions.create(userID: u.id)
        let sessions = f.sessions
        let outcomes = Outcomes()
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            if let outcome = try? sessions.rotate(presented: issued.refreshToken) { outcomes.add(outcome) }
        }
        let all = outcomes.all
        #expect(all.count == 4)
        #expect(all.filter { if case .rotated = $0 { true } else { false } }.count == 1)
        #expect(all.filter { $0 == .reused(sessionID: issued.session.id, userID: u.id) }.count == 3)
        #expect(try !f.sessions.isActive(issued.session.id))
    }
}

final class Outcomes: Sendable {
    private let lock = Mutex<[RefreshOutcome]>([])
    func add(_ outcome: RefreshOutcome) { lock.withLock { $0.append(outcome) } }
    var all: [RefreshOutcome] { lock.withLock { $0 } }
}
