import Accounts
import Core
import Crypto
import HTTP
import Testing
import TestSupport

/// Forged and stale access tokens against a running server: each is a 401, never a session.
struct TokenAttackTests {
    /// The fixture's signing key (`AccountRoutesFixture`), to forge tokens a real attacker could not.
    static let secret = [UInt8](repeating: 7, count: 32)

    static func token(header: JSON, claims: JSON, key: [UInt8] = secret) -> String {
        let input = Base64.urlEncode(Array(header.encoded())) + "." + Base64.urlEncode(Array(claims.encoded()))
        return input + "." + Base64.urlEncode(Crypto.hmacSHA256(key: key, data: Array(input.utf8)))
    }

    static func claims(_ user: String, session: String = "s", epoch: Int64 = 0, type: String = "access", iat: Int64, exp: Int64) -> JSON {
        ["sub": .string(user), "sid": .string(session), "ep": .int(epoch), "typ": .string(type), "iat": .int(iat), "exp": .int(exp)]
    }

    @Test func forgedAndStaleTokensAreRefused() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        let ann = try await fixture.user("ann")
        let (good, _) = try await fixture.login("ann")
        let now = fixture.service.clock()
        let hs: JSON = ["alg": "HS256", "typ": "JWT", "kid": "k1"]
        let valid = Self.claims(ann.id, iat: now, exp: now + 600)
        // The control: a token forged with the right key is accepted (so each refusal below is the attack's).
        #expect(try await fixture.request("GET", "/api/v1/auth/session", headers: AccountRoutesFixture.bearer(Self.token(header: hs, claims: valid))).status == 200)

        let parts = good.split(separator: ".").map(String.init)
        var flipped = Array(parts[2])
        flipped[5] = flipped[5] == "A" ? "B" : "A"
        let attacks: [(String, String)] = [
            ("alg none", Base64.urlEncode(Array(JSON.object(["alg": "none", "typ": "JWT"]).encoded())) + "." + parts[1] + "."),
            ("RS256 header on an HS256 signature", Self.token(header: ["alg": "RS256", "typ": "JWT", "kid": "k1"], claims: valid)),
            ("unknown kid", Self.token(header: ["alg": "HS256", "typ": "JWT", "kid": "k9"], claims: valid)),
            ("wrong key", Self.token(header: hs, claims: valid, key: [UInt8](repeating: 8, count: 32))),
            ("expired", Self.token(header: hs, claims: Self.claims(ann.id, iat: now - 3600, exp: now - 1800))),
            ("not yet valid", Self.token(header: hs, claims: ["sub": .string(ann.id), "sid": "s", "ep": 0, "typ": "access", "iat": .int(now), "nbf": .int(now + 3600), "exp": .int(now + 7200)])),
            ("bit-flipped signature", parts[0] + "." + parts[1] + "." + String(flipped)),
            ("an MFA ticket used as an access token", Self.token(header: hs, claims: Self.claims(ann.id, type: "mfa", iat: now, exp: now + 300))),
            ("an old token epoch", Self.token(header: hs, claims: Self.claims(ann.id, epoch: -1, iat: now, exp: now + 600))),
            ("no such user", Self.token(header: hs, claims: Self.claims("no-such-user", iat: now, exp: now + 600))),
        ]
        for (name, token) in attacks {
            let reply = try await fixture.request("GET", "/api/v1/auth/session", headers: AccountRoutesFixture.bearer(token))
            #expect(reply.status == 401, "\(name): \(reply.status)")
        }
    }

    @Test func aDisabledOrDeletedUsersTokensStopAtOnce() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        let ann = try await fixture.user("ann")
        let bob = try await fixture.user("bob")
        let (annToken, _) = try await fixture.login("ann")
        let (bobToken, _) = try await fixture.login("bob")
        try await fixture.service.perform { service in
            _ = try service.users.setDisabled(ann.id, true)
            _ = try service.users.delete(bob.id)
        }
        try await fixture.service.reloadDirectory()
        #expect(try await fixture.request("GET", "/api/v1/auth/session", headers: AccountRoutesFixture.bearer(annToken)).status == 401)
        #expect(try await fixture.request("GET", "/api/v1/auth/session", headers: AccountRoutesFixture.bearer(bobToken)).status == 401)
        #expect(try await fixture.request("POST", "/api/v1/auth/login", json: ["username": "ann", "password": "correct horse battery"]).status == 401)
    }
}
