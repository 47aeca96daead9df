import Accounts
import Core
import Crypto
import TestSupport
import Testing

/// ID tokens that were not signed as the provider signs them: issue 11's JWT attack list, for OIDC.
struct OIDCIDTokenTests {
    /// `token` with its header replaced by `header` and signed by `sign` (nil: signature kept).
    static func reheader(_ token: String, _ header: String, sign: (([UInt8]) -> [UInt8])? = nil) -> String {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        let input = Base64.urlEncode(Array(header.utf8)) + "." + parts[1]
        return input + "." + (sign.map { Base64.urlEncode($0(Array(input.utf8))) } ?? String(parts[2]))
    }

    @Test func algNoneIsRefused() async throws {
        let flow = try OIDCFlow {
            $0.tamper = { Self.reheader($0, #"{"alg":"none","kid":"rsa-1"}"#, sign: { _ in [] }) }
        }
        await #expect(throws: OIDCError.unsupportedAlgorithm("none")) { try await flow.signIn() }
    }

    @Test func hs256SignedWithThePublicKeyIsRefused() async throws {
        let publicPEM = Array(try FakeIdentityProvider.rsaKey.publicKeyPEM().utf8)
        let (modulus, _) = try FakeIdentityProvider.rsaKey.rsaPublicNumbers()
        for secret in [publicPEM, modulus] {
            let flow = try OIDCFlow {
                $0.tamper = { Self.reheader($0, #"{"alg":"HS256","kid":"rsa-1","typ":"JWT"}"#, sign: { Crypto.hmacSHA256(key: secret, data: $0) }) }
            }
            await #expect(throws: OIDCError.unsupportedAlgorithm("HS256")) { try await flow.signIn() }
        }
    }

    @Test func algThatDoesNotFitTheKeyIsRefused() async throws {
        // An ES256 header naming the RSA key, signed with the EC key: the key's type decides, not the header.
        let flow = try OIDCFlow {
            $0.tamper = { Self.reheader($0, #"{"alg":"ES256","kid":"rsa-1"}"#, sign: { try! FakeIdentityProvider.p256Key.sign($0) }) }
        }
        await #expect(throws: OIDCError.unsupportedAlgorithm("ES256")) { try await flow.signIn() }
    }

    @Test func bitFlippedSignatureIsRefused() async throws {
        for kind in [JWSPrivateKey.Kind.rsa, .p256] {
            let flow = try OIDCFlow {
                $0.signingKey = kind
                $0.tamper = { token in
                    var bytes = Array(token.utf8)
                    let index = bytes.count - 20
                    bytes[index] = bytes[index] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
                    return String(decoding: bytes, as: UTF8.self)
                }
            }
            await #expect(throws: OIDCError.badSignature) { try await flow.signIn() }
        }
    }

    @Test func unknownKidIsRefused() async throws {
        let flow = try OIDCFlow { $0.keyID = "rotated-away" }
        await #expect(throws: OIDCError.unknownKey) { try await flow.signIn() }
        #expect(flow.idp.jwksFetches == 1)
    }

    @Test func unknownKidsCannotCauseAFetchStorm() async throws {
        let flow = try OIDCFlow()
        let now = FakeIdentityProvider.now()
        _ = try await flow.signIn(now: now)
        #expect(flow.idp.jwksFetches == 1)
        let keys = flow.party.keySet(jwksURI: flow.idp.issuer + "/jwks")
        let verifier = IDTokenVerifier(issuer: flow.idp.issuer, clientID: "appliance")
        for index in 0..<20 {
            let token = FakeIdentityProvider.sign(
                header: ["alg": "RS256", "kid": .string("made-up-\(index)")], claims: ["sub": "x"], with: FakeIdentityProvider.rsaKey)
            await #expect(throws: OIDCError.unknownKey) { try await verifier.verify(token, keys: keys, nonce: "n", now: now + 1) }
        }
        #expect(flow.idp.jwksFetches == 1)
        // A minute later one more refetch is allowed.
        let late = FakeIdentityProvider.sign(header: ["alg": "RS256", "kid": "late"], claims: [:], with: FakeIdentityProvider.rsaKey)
        await #expect(throws: OIDCError.unknownKey) { try await verifier.verify(late, keys: keys, nonce: "n", now: now + 62) }
        #expect(flow.idp.jwksFetches == 2)
    }

    @Test(arguments: [
        ("a.b", OIDCError.malformedToken("not three parts")),
        ("e30.e30.AAAA", .malformedToken("no alg")),
        (Base64.urlEncode(Array(#"{"alg":"RS256","crit":["exp"]}"#.utf8)) + ".e30.AAAA", .malformedToken("crit header")),
        (Base64.urlEncode(Array(#"{"alg":"RS256","typ":"at+jwt"}"#.utf8)) + ".e30.AAAA", .malformedToken("typ is not JWT")),
        (Base64.urlEncode(Array(#"{"alg":"RS256"}"#.utf8)) + ".e30.AA=A", .malformedToken("signature is not base64url")),
        (Base64.urlEncode(Array(#"{"alg":"RS512"}"#.utf8)) + ".e30.AAAA", .unsupportedAlgorithm("RS512")),
        (Base64.urlEncode(Array(#"{"alg":"HS256"}"#.utf8)) + ".e30.AAAA", .unsupportedAlgorithm("HS256")),
    ])
    func malformedTokensAreRefused(token: String, error: OIDCError) {
        #expect(throws: error) { try IDTokenVerifier.parse(token) }
    }

    @Test func overlongTokenIsRefused() {
        #expect(throws: OIDCError.malformedToken("longer than 16384 bytes")) {
            try IDTokenVerifier.parse(String(repeating: "a", count: 16385))
        }
    }

    @Test func userinfoFillsInAndMustBeTheSameSubject() async throws {
        let flow = try OIDCFlow.withUserInfo { settings in
            settings.profile = [:]
            settings.userinfo = ["sub": "user-1", "email": "grace@example.com", "email_verified": "true", "name": "Grace"]
        }
        let identity = try await flow.signIn().identity
        #expect(identity.email == "grace@example.com" && identity.emailVerified && identity.name == "Grace")
        flow.idp.update { $0.userinfo = ["sub": "someone-else", "email": "x@example.com"] }
        await #expect(throws: OIDCError.subjectMismatch) { try await flow.signIn() }
    }
}

extension OIDCFlow {
    /// A flow whose provider config asks for userinfo.
    static func withUserInfo(_ configure: (inout FakeIdentityProvider.Settings) -> Void) throws -> OIDCFlow {
        var flow = try OIDCFlow(configure)
        flow.provider.fetchUserInfo = true
        return flow
    }
}
