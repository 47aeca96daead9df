import Accounts
import Core
import FoundationEssentials
import HTTP
import Synchronization
import TestSupport
import Testing

/// 003's verify-email, resend-verification, forgot-password and reset-password, and 001's password reset.
struct EmailRoutesTests {
    @Test func aMailedResetTokenSetsThePasswordOnceAndEndsEverySession() async throws {
        let fixture = try AccountRoutesFixture(settings: { $0.publicURL = "https://box.example/" })
        defer { Task { await fixture.stop() } }
        try await fixture.user("ann")
        let (access, refresh) = try await fixture.login("ann")
        let asked = try await fixture.request("POST", "/api/v1/auth/forgot-password", json: ["email": "  ANN@example.com "])
        #expect(asked.status == 204 && asked.body.isEmpty)
        let mail = try await fixture.mail(count: 1).last
        #expect(mail?.to == "ann@example.com")
        let token = try #require(AccountRoutesFixture.token(in: mail))
        #expect(mail?.body.contains("https://box.example/reset-password?token=\(token)") == true)

        // A password the rules refuse keeps the token.
        let short = try await fixture.request("POST", "/api/v1/auth/reset-password", json: ["token": .string(token), "new_password": "short"])
        #expect(short.status == 400 && short.bodyMember("detail") == "new_password")
        let reset = try await fixture.request(
            "POST", "/api/v1/auth/reset-password", json: ["token": .string(token), "new_password": "a brand new password"])
        #expect(reset.status == 204)
        #expect(try await fixture.request("GET", "/api/v1/auth/session", headers: AccountRoutesFixture.bearer(access)).status == 401)
        #expect(try await fixture.request("POST", "/api/v1/auth/refresh", json: ["refresh_token": .string(refresh)]).status == 401)
        let again = try await fixture.request(
            "POST", "/api/v1/auth/reset-password", json: ["token": .string(token), "new_password": "another new password"])
        #expect(again.status == 400 && again.bodyMember("detail") == "token")
        _ = try await fixture.login("ann", password: "a brand new password")
        #expect(try await fixture.loggedActions().contains(ActivityAction.passwordReset))
        #expect(try await !fixture.activityText().contains(token))
    }

    @Test func unknownAddressesAnswerAlikeAndPastTheHourlyLimitNothingIsSent() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        try await fixture.user("ann")
        let unknown = try await fixture.request("POST", "/api/v1/auth/forgot-password", json: ["email": "nobody@example.com"])
        let known = try await fixture.request("POST", "/api/v1/auth/forgot-password", json: ["email": "ann@example.com"])
        #expect(unknown.status == 204 && known.status == 204 && unknown.body == known.body)
        let unknown001 = try await fixture.request("POST", "/api/auth/password-reset/request", json: ["email": "nobody@example.com"])
        let known001 = try await fixture.request("POST", "/api/auth/password-reset/request", json: ["email": "ann@example.com"])
        #expect(unknown001.status == 200 && known001.status == 200 && unknown001.body == known001.body)
        // 001 and 003 share the count: 3 mails an hour for one address, the 4th and 5th asked and not sent.
        #expect(try await fixture.request("POST", "/api/v1/auth/forgot-password", json: ["email": "ann@example.com"]).status == 204)
        #expect(try await fixture.request("POST", "/api/auth/password-reset/request", json: ["email": "Ann@Example.com"]).status == 200)
        #expect(try await fixture.request("POST", "/api/v1/auth/forgot-password", json: ["email": "ann@example.com"]).status == 204)
        _ = try await fixture.mail(count: 3)
        try await Task.sleep(for: .milliseconds(300))
        #expect(fixture.mail.messages.withLock { $0.count } == 3)
        #expect(fixture.mail.messages.withLock { $0.allSatisfy { $0.to == "ann@example.com" } })
        // Without email.public_url no link is built from the request's Host, which the client chose.
        let last = fixture.mail.last
        #expect(AccountRoutesFixture.token(in: last) != nil && last?.body.contains("://") == false)
    }

    @Test func badAddressesAre400() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        for path in ["/api/v1/auth/forgot-password", "/api/auth/password-reset/request"] {
            for bad: JSON in [
                [:], ["email": ""], ["email": "no-at-sign"], ["email": 7], ["email": .string(String(repeating: "a", count: 300) + "@x.y")],
            ] {
                let reply = try await fixture.request("POST", path, json: bad)
                #expect(reply.status == 400 && reply.bodyMember("detail") == "email", "\(path) \(bad)")
            }
        }
    }

    @Test func theMediaNestCheckDoesNotSpendTheToken() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        let ann = try await fixture.user("ann")
        let token = try await fixture.service.perform { try $0.emailTokens.issue(userID: ann.id, email: "ann@example.com", purpose: .resetPassword) }
        for _ in 0..<2 {
            let check = try await fixture.request("POST", "/api/auth/password-reset/verify", json: ["token": .string(token), "tokenId": "ignored"])
            #expect(check.status == 200)
            #expect(try JSON.parseStrict(check.body)["data"]?["valid"] == true)
        }
        let confirmed = try await fixture.request(
            "POST", "/api/auth/password-reset/confirm", json: ["token": .string(token), "newPassword": "a brand new password"])
        #expect(confirmed.status == 200 && confirmed.bodyMember("success") == true)
        #expect(try await fixture.request("POST", "/api/auth/password-reset/verify", json: ["token": .string(token)]).status == 400)
        let reused = try await fixture.request(
            "POST", "/api/auth/password-reset/confirm", json: ["token": .string(token), "newPassword": "yet another password"])
        #expect(reused.status == 400 && reused.bodyMember("detail") == "token")
        _ = try await fixture.login("ann", password: "a brand new password")
    }

    @Test func expiredWrongAndMisusedTokensAreRefused() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        let ann = try await fixture.user("ann")
        let (expired, verification) = try await fixture.service.perform { service in
            (
                try service.emailTokens.issue(
                    userID: ann.id, email: "ann@example.com", purpose: .resetPassword, now: Date().addingTimeInterval(-3601)),
                try service.emailTokens.issue(userID: ann.id, email: "ann@example.com", purpose: .verifyEmail)
            )
        }
        for token in [expired, verification, "not-a-token", String(repeating: "A", count: 43)] {
            let reset = try await fixture.request(
                "POST", "/api/v1/auth/reset-password", json: ["token": .string(token), "new_password": "a brand new password"])
            #expect(reset.status == 400 && reset.bodyMember("detail") == "token")
            #expect(try await fixture.request("POST", "/api/auth/password-reset/verify", json: ["token": .string(token)]).status == 400)
        }
        // A reset token is no verification token either.
        let reset = try await fixture.service.perform { try $0.emailTokens.issue(userID: ann.id, email: "ann@example.com", purpose: .resetPassword) }
        #expect(try await fixture.request("POST", "/api/v1/auth/verify-email", json: ["token": .string(reset)]).status == 400)
        // A token mailed to an address the account no longer has is refused.
        _ = try await fixture.service.perform { try $0.users.update(ann.id, UserChanges(email: "ann@elsewhere.example")) }
        #expect(try await fixture.request("POST", "/api/auth/password-reset/verify", json: ["token": .string(reset)]).status == 400)
        for bad: JSON in [[:], ["token": ""], ["token": .string(String(repeating: "a", count: 600))], ["token": 1]] {
            let reply = try await fixture.request("POST", "/api/v1/auth/verify-email", json: bad)
            #expect(reply.status == 400 && reply.bodyMember("detail") == "token", "\(bad)")
        }
        _ = try await fixture.login("ann")
    }

    @Test func verificationMailConfirmsTheAddressOnce() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        try await fixture.user("ann")
        let auth = AccountRoutesFixture.bearer(try await fixture.login("ann").access)
        #expect(try await fixture.request("POST", "/api/v1/auth/resend-verification", headers: auth).status == 204)
        let token = try #require(AccountRoutesFixture.token(in: try await fixture.mail(count: 1).last))
        #expect(try await fixture.request("POST", "/api/v1/auth/verify-email", json: ["token": .string(token)]).status == 204)
        let user = try JSON.parseStrict(try await fixture.request("GET", "/api/v1/auth/session", headers: auth).body)["data"]?["user"]
        #expect(user?["email_verified"] == true)
        #expect(try await fixture.request("POST", "/api/v1/auth/verify-email", json: ["token": .string(token)]).status == 400)
        // Verified: nothing more is sent.
        #expect(try await fixture.request("POST", "/api/v1/auth/resend-verification", headers: auth).status == 204)
        #expect(fixture.mail.messages.withLock { $0.count } == 1)
        let owner = try await fixture.request("POST", "/api/v1/auth/resend-verification", headers: fixture.owner)
        #expect(owner.status == 400 && owner.bodyMember("detail") == "principal")
        #expect(try await fixture.request("POST", "/api/v1/auth/resend-verification").status == 401)
    }

    @Test func resendingIsLimitedPerUser() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        try await fixture.user("ann")
        let auth = AccountRoutesFixture.bearer(try await fixture.login("ann").access)
        for _ in 0..<3 {
            #expect(try await fixture.request("POST", "/api/v1/auth/resend-verification", headers: auth).status == 204)
        }
        let fourth = try await fixture.request("POST", "/api/v1/auth/resend-verification", headers: auth)
        #expect(fourth.status == 429 && fourth.header("Retry-After") != nil)
    }
}
