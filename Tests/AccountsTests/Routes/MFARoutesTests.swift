import Accounts
import Core
import Crypto
import FoundationEssentials
import HTTP
import TestSupport
import Testing

/// 003's `/api/v1/mfa/*` and the two-step login it turns on.
struct MFARoutesTests {
    static func now() -> Int64 { Int64(Date().timeIntervalSince1970) }

    /// A code for none of the steps around now.
    static func wrongCode(_ secret: [UInt8]) -> String {
        let step = TOTP.step(at: now())
        let near = Set((step - 3...step + 3).map { TOTP.code(secret: secret, counter: UInt64($0)) })
        return ["000000", "111111", "222222", "333333"].first { !near.contains($0) } ?? "444444"
    }

    /// TOTP confirmed and required at sign-in for `userID`, straight into the store; the secret.
    static func enableTOTP(_ fixture: AccountRoutesFixture, _ userID: String) async throws -> [UInt8] {
        let secret = try await fixture.service.perform { try $0.mfa.beginTOTP(userID: userID) }
        let code = TOTP.code(secret: secret, counter: UInt64(TOTP.step(at: now())))
        try await fixture.service.perform { service in
            _ = try service.mfa.verifyTOTP(userID: userID, code: code)
            _ = try service.mfa.enable(userID: userID)
        }
        return secret
    }

    @Test func setUpConfirmEnableThenSignInTakesTwoSteps() async throws {
        let fixture = try AccountRoutesFixture(settings: { $0.loginAttempts = 50 })
        defer { Task { await fixture.stop() } }
        let ann = try await fixture.user("ann")
        let auth = AccountRoutesFixture.bearer(try await fixture.login("ann").access)

        let before = try JSON.parseStrict(try await fixture.request("GET", "/api/v1/mfa/status", headers: auth).body)
        #expect(before["user_id"]?.stringValue == ann.id && before["has_totp"] == false && before["require_mfa"] == false)
        #expect(before["webauthn_count"] == 0 && before["unused_backup_codes"] == 0)
        #expect(try await fixture.request("POST", "/api/v1/mfa/enable", headers: auth).status == 400)

        let setup = try await fixture.request("POST", "/api/v1/mfa/totp/setup", headers: auth, json: ["account_name": "ann@box"])
        #expect(setup.status == 200)
        let enrolment = try JSON.parseStrict(setup.body)
        let secretText = try #require(enrolment["secret"]?.stringValue)
        let secret = try #require(Base32.decode(secretText))
        #expect(secret.count == 20)
        #expect(enrolment["url"]?.stringValue == TOTP.uri(secret: secret, account: "ann@box", issuer: "applianced"))
        let qr = try #require(enrolment["qr_code"]?.stringValue)
        #expect(qr.hasPrefix("data:image/svg+xml;base64,"))
        let svg = String(decoding: try #require(Base64.decode(String(qr.dropFirst("data:image/svg+xml;base64,".count)))), as: UTF8.self)
        #expect(svg.hasPrefix("<svg") && svg.hasSuffix("</svg>"))
        // Set up, not yet confirmed: not reported as TOTP, and not enabled.
        #expect(try JSON.parseStrict(try await fixture.request("GET", "/api/v1/mfa/status", headers: auth).body)["has_totp"] == false)
        #expect(try await fixture.request("POST", "/api/v1/mfa/enable", headers: auth).status == 400)

        let step = TOTP.step(at: Self.now())
        let verified = try await fixture.request(
            "POST", "/api/v1/mfa/totp/verify", headers: auth, json: ["code": .string(TOTP.code(secret: secret, counter: UInt64(step)))])
        #expect(verified.status == 200)
        #expect(try JSON.parseStrict(verified.body)["success"] == true)
        let enabled = try await fixture.request("POST", "/api/v1/mfa/enable", headers: auth)
        #expect(enabled.status == 200 && enabled.bodyMember("success") == true)
        let status = try JSON.parseStrict(try await fixture.request("GET", "/api/v1/mfa/status", headers: auth).body)
        #expect(status["has_totp"] == true && status["require_mfa"] == true && status["enabled"] == true)
        #expect(try await fixture.loggedActions().contains(ActivityAction.mfaEnabled))

        // Password first: no session, a ticket for the second step.
        let password: JSON = ["username": "ann", "password": "correct horse battery"]
        let first = try await fixture.request("POST", "/api/v1/auth/login", json: password)
        #expect(first.status == 401)
        let challenge = try JSON.parseStrict(first.body)
        #expect(challenge["code"] == "MFA_REQUIRED" && challenge["access_token"] == nil)
        let ticket = try #require(challenge["mfa_token"]?.stringValue)
        // The next step's code (the one just used to confirm is spent).
        let next = TOTP.code(secret: secret, counter: UInt64(step + 1))
        let second = try await fixture.request("POST", "/api/v1/auth/login", json: ["mfa_token": .string(ticket), "code": .string(next)])
        #expect(second.status == 200)
        #expect(try JSON.parseStrict(second.body)["access_token"]?.stringValue != nil)
        let replay = try await fixture.request("POST", "/api/v1/auth/login", json: ["mfa_token": .string(ticket), "code": .string(next)])
        #expect(replay.status == 401)

        // A backup code stands in for the TOTP code, once.
        let generated = try await fixture.request("POST", "/api/v1/mfa/backup-codes/generate", headers: auth)
        #expect(generated.status == 200)
        let codes = try JSON.parseStrict(generated.body)
        #expect(codes["count"] == 10)
        let backup = try #require(codes["codes"]?.arrayValue?.first?.stringValue)
        let withBackup: JSON = ["mfa_token": .string(ticket), "code": .string(backup)]
        #expect(try await fixture.request("POST", "/api/v1/auth/login", json: withBackup).status == 200)
        #expect(try await fixture.request("POST", "/api/v1/auth/login", json: withBackup).status == 401)
        #expect(try JSON.parseStrict(try await fixture.request("GET", "/api/v1/mfa/status", headers: auth).body)["unused_backup_codes"] == 9)
    }

    @Test func theSixthWrongCodeIs429EvenWhenItIsRight() async throws {
        let fixture = try AccountRoutesFixture(settings: { $0.loginAttempts = 50 })
        defer { Task { await fixture.stop() } }
        let ann = try await fixture.user("ann")
        let secret = try await Self.enableTOTP(fixture, ann.id)
        let first = try await fixture.request("POST", "/api/v1/auth/login", json: ["username": "ann", "password": "correct horse battery"])
        let ticket = try #require(try JSON.parseStrict(first.body)["mfa_token"]?.stringValue)
        let wrong: JSON = ["mfa_token": .string(ticket), "code": .string(Self.wrongCode(secret))]
        for _ in 0..<5 {
            #expect(try await fixture.request("POST", "/api/v1/auth/login", json: wrong).status == 401)
        }
        let right = TOTP.code(secret: secret, counter: UInt64(TOTP.step(at: Self.now()) + 1))
        let sixth = try await fixture.request("POST", "/api/v1/auth/login", json: ["mfa_token": .string(ticket), "code": .string(right)])
        #expect(sixth.status == 429)
        #expect(sixth.header("Retry-After") != nil)
    }

    @Test func mediaNestsBrowserLoginTakesTheSecondStepToo() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        let ann = try await fixture.user("ann")
        let secret = try await Self.enableTOTP(fixture, ann.id)
        let first = try await fixture.request("POST", "/api/auth/login", json: ["email": "ann@example.com", "password": "correct horse battery"])
        #expect(first.status == 401 && first.bodyMember("code") == "MFA_REQUIRED")
        #expect(!first.headerLines.contains { $0.lowercased().hasPrefix("set-cookie:") })
        let ticket = try #require(first.bodyMember("mfa_token")?.stringValue)
        let code = TOTP.code(secret: secret, counter: UInt64(TOTP.step(at: Self.now()) + 1))
        let second = try await fixture.request("POST", "/api/auth/login", json: ["mfaToken": .string(ticket), "code": .string(code)])
        #expect(second.status == 200 && second.bodyMember("data")?["token"]?.stringValue != nil)
        #expect(second.headerLines.filter { $0.lowercased().hasPrefix("set-cookie:") }.count == 3)
    }

    @Test func removingTOTPNeedsAProof() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        let ann = try await fixture.user("ann")
        let auth = AccountRoutesFixture.bearer(try await fixture.login("ann").access)
        let secret = try await Self.enableTOTP(fixture, ann.id)

        let none = try await fixture.request("DELETE", "/api/v1/mfa/totp", headers: auth)
        #expect(none.status == 400 && none.bodyMember("detail") == "code")
        let badPassword = try await fixture.request("DELETE", "/api/v1/mfa/totp", headers: auth, json: ["password": "not my password"])
        #expect(badPassword.status == 400 && badPassword.bodyMember("detail") == "password")
        let badCode = try await fixture.request("DELETE", "/api/v1/mfa/totp", headers: auth, json: ["code": .string(Self.wrongCode(secret))])
        #expect(badCode.status == 400 && badCode.bodyMember("detail") == "code")
        #expect(try JSON.parseStrict(try await fixture.request("GET", "/api/v1/mfa/status", headers: auth).body)["require_mfa"] == true)

        let removed = try await fixture.request("DELETE", "/api/v1/mfa/totp", headers: auth, json: ["password": "correct horse battery"])
        #expect(removed.status == 204 && removed.body.isEmpty)
        let status = try JSON.parseStrict(try await fixture.request("GET", "/api/v1/mfa/status", headers: auth).body)
        #expect(status["has_totp"] == false && status["require_mfa"] == false)
        #expect(try await fixture.loggedActions().contains(ActivityAction.mfaDisabled))
        #expect(try await fixture.request("DELETE", "/api/v1/mfa/totp", headers: auth, json: ["password": "correct horse battery"]).status == 404)
        // Sign-in is one step again.
        _ = try await fixture.login("ann")
    }

    @Test func aCurrentCodeAlsoProvesIt() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        let ann = try await fixture.user("ann")
        let auth = AccountRoutesFixture.bearer(try await fixture.login("ann").access)
        let secret = try await Self.enableTOTP(fixture, ann.id)
        let code = TOTP.code(secret: secret, counter: UInt64(TOTP.step(at: Self.now()) + 1))
        #expect(try await fixture.request("DELETE", "/api/v1/mfa/totp", headers: auth, json: ["code": .string(code)]).status == 204)
    }

    @Test func badCodesAndSetupWhileOnAreRefused() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        try await fixture.user("ann")
        let auth = AccountRoutesFixture.bearer(try await fixture.login("ann").access)
        // Verify before any setup.
        let early = try await fixture.request("POST", "/api/v1/mfa/totp/verify", headers: auth, json: ["code": "123456"])
        #expect(early.status == 400 && early.bodyMember("detail") == "code")
        for bad: JSON in [
            [:], ["code": 123456], ["code": "12345"], ["code": "12345a"], ["code": "١٢٣٤٥٦"], ["code": .string(String(repeating: "1", count: 40))],
        ] {
            let reply = try await fixture.request("POST", "/api/v1/mfa/totp/verify", headers: auth, json: bad)
            #expect(reply.status == 400 && reply.bodyMember("detail") == "code", "\(bad)")
        }
        let longName = try await fixture.request(
            "POST", "/api/v1/mfa/totp/setup", headers: auth, json: ["account_name": .string(String(repeating: "a", count: 300))])
        #expect(longName.status == 400 && longName.bodyMember("detail") == "account_name")

        let setup = try JSON.parseStrict(try await fixture.request("POST", "/api/v1/mfa/totp/setup", headers: auth).body)
        let secretText = try #require(setup["secret"]?.stringValue)
        let secret = try #require(Base32.decode(secretText))
        let wrong = try await fixture.request("POST", "/api/v1/mfa/totp/verify", headers: auth, json: ["code": .string(Self.wrongCode(secret))])
        #expect(wrong.status == 400)
        let code = TOTP.code(secret: secret, counter: UInt64(TOTP.step(at: Self.now())))
        #expect(try await fixture.request("POST", "/api/v1/mfa/totp/verify", headers: auth, json: ["code": .string(code)]).status == 200)
        // The same code again is spent.
        #expect(try await fixture.request("POST", "/api/v1/mfa/totp/verify", headers: auth, json: ["code": .string(code)]).status == 400)
        #expect(try await fixture.request("POST", "/api/v1/mfa/enable", headers: auth).status == 200)
        let again = try await fixture.request("POST", "/api/v1/mfa/totp/setup", headers: auth)
        #expect(again.status == 403 && !again.text.contains(secretText))
    }

    @Test func noSecretOrCodeLeavesTwice() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        try await fixture.user("ann")
        let auth = AccountRoutesFixture.bearer(try await fixture.login("ann").access)
        let setup = try JSON.parseStrict(try await fixture.request("POST", "/api/v1/mfa/totp/setup", headers: auth).body)
        let secretText = try #require(setup["secret"]?.stringValue)
        let secret = try #require(Base32.decode(secretText))
        let code = TOTP.code(secret: secret, counter: UInt64(TOTP.step(at: Self.now())))
        let verified = try await fixture.request("POST", "/api/v1/mfa/totp/verify", headers: auth, json: ["code": .string(code)])
        let enabled = try await fixture.request("POST", "/api/v1/mfa/enable", headers: auth)
        let first = try JSON.parseStrict(try await fixture.request("POST", "/api/v1/mfa/backup-codes/generate", headers: auth).body)
        let regenerated = try await fixture.request("POST", "/api/v1/mfa/backup-codes/regenerate", headers: auth)
        let second = try JSON.parseStrict(regenerated.body)
        let firstCodes = (first["codes"]?.arrayValue ?? []).compactMap(\.stringValue)
        let secondCodes = (second["codes"]?.arrayValue ?? []).compactMap(\.stringValue)
        #expect(firstCodes.count == 10 && secondCodes.count == 10 && Set(firstCodes).isDisjoint(with: secondCodes))
        #expect(secondCodes.allSatisfy { $0.split(separator: "-").map(\.count) == [4, 4, 4, 4] })
        let status = try await fixture.request("GET", "/api/v1/mfa/status", headers: auth)
        let session = try await fixture.request("GET", "/api/v1/auth/session", headers: auth)
        let log = try await fixture.activityText()
        for text in [verified.text, enabled.text, status.text, session.text, log] {
            #expect(!text.contains(secretText) && !text.contains(code))
            #expect(!(firstCodes + secondCodes).contains { text.contains($0) })
        }
    }

    @Test func theApplianceTokenHasNoSecondFactor() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        for (method, path) in [
            ("GET", "/api/v1/mfa/status"), ("POST", "/api/v1/mfa/totp/setup"), ("POST", "/api/v1/mfa/enable"),
            ("POST", "/api/v1/mfa/backup-codes/generate"), ("DELETE", "/api/v1/mfa/totp"),
        ] {
            let owner = try await fixture.request(method, path, headers: fixture.owner)
            #expect(owner.status == 400 && owner.bodyMember("detail") == "principal", "\(method) \(path)")
            #expect(try await fixture.request(method, path).status == 401, "\(method) \(path)")
        }
    }
}
