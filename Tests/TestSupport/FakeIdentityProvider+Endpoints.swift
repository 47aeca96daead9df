import Core
import Crypto
import Synchronization

extension FakeIdentityProvider {
    static func answer(_ request: LoopbackHTTPServer.Request, _ box: Box) -> LoopbackHTTPServer.Response {
        switch (request.method, request.path) {
        case ("GET", "/.well-known/openid-configuration"): return discovery(box)
        case ("GET", "/jwks"):
            box.state.withLock { $0.jwksFetches += 1 }
            return json(200, jwks())
        case ("GET", "/authorize"): return authorize(request, box)
        case ("POST", "/token"): return token(request, box)
        case ("GET", "/userinfo"): return userinfo(request, box)
        default: return .text(404, "not found")
        }
    }

    private static func discovery(_ box: Box) -> LoopbackHTTPServer.Response {
        let (issuer, settings) = box.state.withLock { ($0.issuer, $0.settings) }
        return json(
            200,
            [
                "issuer": .string(settings.discoveryIssuer ?? issuer),
                "authorization_endpoint": .string(issuer + "/authorize"),
                "token_endpoint": .string(issuer + "/token"),
                "jwks_uri": .string(issuer + "/jwks"),
                "userinfo_endpoint": .string(issuer + "/userinfo"),
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256", "ES256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": .array(settings.authMethods.map(JSON.string)),
            ])
    }

    private static func authorize(_ request: LoopbackHTTPServer.Request, _ box: Box) -> LoopbackHTTPServer.Response {
        let query = request.query
        let settings = box.state.withLock { $0.settings }
        guard query["response_type"] == "code", query["client_id"] == settings.clientID, let redirect = query["redirect_uri"],
            let state = query["state"], query["code_challenge_method"] == "S256", let challenge = query["code_challenge"],
            query["scope"]?.split(separator: " ").contains("openid") == true
        else { return .text(400, "bad authorization request") }
        let code = try! Crypto.randomToken()
        box.state.withLock {
            $0.grants[code] = Grant(clientID: settings.clientID, redirectURI: redirect, challenge: challenge, nonce: query["nonce"])
        }
        let location = redirect + (redirect.contains("?") ? "&" : "?") + "code=\(code)&state=\(percentEncode(state))"
        return LoopbackHTTPServer.Response(status: 302, headers: [("Location", location)])
    }

    private static func token(_ request: LoopbackHTTPServer.Request, _ box: Box) -> LoopbackHTTPServer.Response {
        var form = request.form
        form["_authorization"] = request.headers["authorization"]
        box.state.withLock { $0.tokenRequests.append(form) }
        let (issuer, settings) = box.state.withLock { ($0.issuer, $0.settings) }
        // Client authentication: exactly one of the advertised methods.
        var client: (id: String, secret: String)?
        if let header = request.headers["authorization"], header.hasPrefix("Basic "), settings.authMethods.contains("client_secret_basic"),
            let decoded = Base64.decode(String(header.dropFirst(6))), let colon = decoded.firstIndex(of: UInt8(ascii: ":"))
        {
            client = (
                LoopbackHTTPServer.percentDecode(Substring(decoding: decoded[..<colon], as: UTF8.self)),
                LoopbackHTTPServer.percentDecode(Substring(decoding: decoded[(colon + 1)...], as: UTF8.self))
            )
        } else if settings.authMethods.contains("client_secret_post"), let id = form["client_id"], let secret = form["client_secret"] {
            client = (id, secret)
        }
        guard let client, client.id == settings.clientID, client.secret == settings.clientSecret else {
            return json(401, ["error": "invalid_client"])
        }
        guard form["grant_type"] == "authorization_code", let code = form["code"] else { return json(400, ["error": "unsupported_grant_type"]) }
        guard let grant = box.state.withLock({ $0.grants.removeValue(forKey: code) }), grant.clientID == client.id,
            grant.redirectURI == form["redirect_uri"], let verifier = form["code_verifier"],
            Base64.urlEncode(Crypto.sha256(Array(verifier.utf8))) == grant.challenge
        else { return json(400, ["error": "invalid_grant"]) }
        let accessToken = try! Crypto.randomToken()
        box.state.withLock { _ = $0.accessTokens.insert(accessToken) }
        let now = FakeIdentityProvider.now() + settings.issuedAtOffset
        var claims = settings.profile
        claims["iss"] = .string(settings.issuerClaim ?? issuer)
        claims["sub"] = .string(settings.subject)
        claims["aud"] = settings.audience ?? .string(settings.clientID)
        claims["iat"] = .int(now)
        claims["exp"] = .int(now + settings.lifetimeSeconds)
        if let nonce = settings.nonce ?? grant.nonce { claims["nonce"] = .string(nonce) }
        if let azp = settings.authorizedParty { claims["azp"] = .string(azp) }
        let key = settings.signingKey == .rsa ? rsaKey : p256Key
        let header: [String: JSON] = [
            "alg": settings.signingKey == .rsa ? "RS256" : "ES256", "typ": "JWT",
            "kid": .string(settings.keyID ?? (settings.signingKey == .rsa ? "rsa-1" : "ec-1")),
        ]
        var idToken = sign(header: header, claims: claims, with: key)
        if let tamper = settings.tamper { idToken = tamper(idToken) }
        return json(
            200, ["access_token": .string(accessToken), "token_type": "Bearer", "expires_in": 300, "id_token": .string(idToken)])
    }

    private static func userinfo(_ request: LoopbackHTTPServer.Request, _ box: Box) -> LoopbackHTTPServer.Response {
        guard let header = request.headers["authorization"], header.hasPrefix("Bearer "),
            box.state.withLock({ $0.accessTokens.contains(String(header.dropFirst(7))) })
        else { return json(401, ["error": "invalid_token"]) }
        let settings = box.state.withLock { $0.settings }
        var claims = settings.profile
        claims["sub"] = .string(settings.subject)
        return json(200, .object(settings.userinfo ?? claims))
    }

    static func percentEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".utf8)
                out += "%" + String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 0xf)]], as: UTF8.self)
            }
        }
        return out
    }
}
