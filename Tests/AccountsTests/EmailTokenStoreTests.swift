import Accounts
import FoundationEssentials
import Store
import Testing

struct EmailTokenStoreTests {
    let start = Date(timeIntervalSince1970: 1_900_000_000)

    @Test func aTokenIsSpentOnce() throws {
        let f = try AccountsFixture()
        let u = try f.user("xena")
        let token = try f.emailTokens.issue(userID: u.id, email: "xena@example.com", purpose: .verifyEmail, now: start)
        #expect(try f.emailTokens.redeem(token, purpose: .resetPassword, now: start) == nil)
        let redeemed = try f.emailTokens.redeem(token, purpose: .verifyEmail, now: start.addingTimeInterval(60))
        #expect(redeemed?.userID == u.id && redeemed?.email == "xena@example.com" && redeemed?.purpose == .verifyEmail)
        #expect(try f.emailTokens.redeem(token, purpose: .verifyEmail, now: start.addingTimeInterval(61)) == nil)
    }

    @Test func expiredTokensAreRefused() throws {
        let f = try AccountsFixture()
        let u = try f.user("yuri")
        let token = try f.emailTokens.issue(userID: u.id, email: "yuri@example.com", purpose: .resetPassword, now: start)
        #expect(try f.emailTokens.redeem(token, purpose: .resetPassword, now: start.addingTimeInterval(3600)) == nil)
        let custom = try f.emailTokens.issue(userID: u.id, email: "yuri@example.com", purpose: .resetPassword, lifetime: 10, now: start)
        #expect(try f.emailTokens.redeem(custom, purpose: .resetPassword, now: start.addingTimeInterval(9)) != nil)
    }

    @Test func aNewTokenVoidsTheEarlierOne() throws {
        let f = try AccountsFixture()
        let u = try f.user("zoe")
        let first = try f.emailTokens.issue(userID: u.id, email: "zoe@example.com", purpose: .resetPassword, now: start)
        let verify = try f.emailTokens.issue(userID: u.id, email: "zoe@example.com", purpose: .verifyEmail, now: start)
        let second = try f.emailTokens.issue(userID: u.id, email: "zoe@example.com", purpose: .resetPassword, now: start)
        #expect(try f.emailTokens.redeem(first, purpose: .resetPassword, now: start) == nil)
        #expect(try f.emailTokens.redeem(second, purpose: .resetPassword, now: start) != nil)
        #expect(try f.emailTokens.redeem(verify, purpose: .verifyEmail, now: start) != nil)
        let dump = try f.database.query("SELECT * FROM email_tokens").map { "\($0.values)" }.joined()
        #expect(![first, second, verify].contains { dump.contains($0) })
        #expect(try f.emailTokens.purge(before: start.addingTimeInterval(1)) == 3)
    }

    @Test func badInput() throws {
        let f = try AccountsFixture()
        let u = try f.user("abe")
        #expect(throws: AccountError.self) { try f.emailTokens.issue(userID: u.id, email: "not-an-address", purpose: .verifyEmail) }
        #expect(throws: AccountError.notFound("user")) { try f.emailTokens.issue(userID: "missing", email: "a@b.c", purpose: .verifyEmail) }
        for bad in ["", "x", String(repeating: "a", count: 10_000)] {
            #expect(try f.emailTokens.redeem(bad, purpose: .verifyEmail) == nil)
        }
    }
}
