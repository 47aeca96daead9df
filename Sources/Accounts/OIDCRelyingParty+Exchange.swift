import Core
import Crypto
import Fetch

/// The token endpoint's answer to a code. Holds credentials: never logged or returned.
struct OIDCTokens: Sendable {
    let idToken: String
    let accessToken: String
}

extension OIDCRelyingParty {
    /// POSTs the code with the PKCE verifier to the token endpoint (OIDC Core §3.1.3.1), authenticating
    /// with `client_secret_basic` when the provider supports it, else `client_secret_post`.
    func exchange(
        code: String, login: OIDCPendingLogin, provider: OIDCProviderConfig, metadata: OIDCProviderMetadata
    ) async throws(OIDCError) -> OIDCTokens {
        var form = [
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", login.redirectURI),
            ("code_verifier", login.codeVerifier),
        ]
        var headers = [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")]
        if metadata.tokenEndpointAuthMethods.contains("client_secret_basic") {
            // RFC 6749 §2.3.1: both halves are form-encoded before base64.
            let pair = OIDCURL.encode(provider.clientID) + ":" + OIDCURL.encode(provider.clientSecret)
            headers.append(("Authorization", "Basic " + Base64.encode(Array(pair.utf8))))
        } else if metadata.tokenEndpointAuthMethods.contains("client_secret_post") {
            form += [("client_id", provider.clientID), ("client_secret", provider.clientSecret)]
        } else {
            throw .unsupportedClientAuthentication
        }
        let request = FetchRequest(.post, metadata.tokenEndpoint, headers: headers, body: Array(OIDCURL.form(form).utf8))
        let (status, answer) = try await fetch.oidcResponse(request, "token response")
        guard status == 200, let answer else {
            let error = answer?["error"]?.stringValue.map(OIDCError.excerpt) ?? "no error code"
            throw .tokenRequestRefused(status: status, error: error)
        }
        guard case .string(let type)? = answer["token_type"], type.lowercased() == "bearer" else {
            throw .badDocument("token response's token_type is not Bearer")
        }
        guard case .string(let accessToken)? = answer["access_token"], !accessToken.isEmpty else {
            throw .badDocument("token response has no access_token")
        }
        guard case .string(let idToken)? = answer["id_token"], !idToken.isEmpty else { throw .badDocument("token response has no id_token") }
        return OIDCTokens(idToken: idToken, accessToken: accessToken)
    }

    /// `identity` completed from the userinfo endpoint (OIDC Core §5.3): its `sub` must be the ID
    /// token's; claims the ID token lacked are taken from it.
    func userinfo(endpoint: String, accessToken: String, adding identity: OIDCIdentity) async throws(OIDCError) -> OIDCIdentity {
        let request = FetchRequest(.get, endpoint, headers: [("Authorization", "Bearer " + accessToken), ("Accept", "application/json")])
        let (status, claims) = try await fetch.oidcObject(request, "userinfo")
        guard status == 200 else { throw .badDocument("userinfo answered status \(status)") }
        guard claims["sub"] == .string(identity.subject) else { throw .subjectMismatch }
        let extra = OIDCIdentity(issuer: identity.issuer, subject: identity.subject, claims: claims)
        var merged = identity
        if merged.email == nil, let email = extra.email {
            merged.email = email
            merged.emailVerified = extra.emailVerified
        }
        merged.name = merged.name ?? extra.name
        merged.preferredUsername = merged.preferredUsername ?? extra.preferredUsername
        return merged
    }
}
