public import HTTP
public import Store
import Synchronization

/// The gate's verifier of user credentials: session access tokens (Bearer header, the session cookie,
/// a WebSocket's `?token=`) and API keys (`X-API-Key`). Answers from `AccountDirectory` alone; an API
/// key's last use is written to the database at most once a minute, off the server thread.
public final class SessionVerifier: CredentialVerifier {
    private let directory: AccountDirectory
    private let tokens: AccessTokens
    private let database: Database
    private let clock: @Sendable () -> Int64
    private let stamped = Mutex<[String: Int64]>([:])
    /// Access tokens whose signature and claims were checked already, by their exact text: a verified
    /// token is verified again only after it leaves (parsing two JSON parts and three base64url parts per
    /// request cost a JWT request two thirds of its speed). Expiry is checked on every use, and the user,
    /// epoch and revocation checks below are never cached.
    private let verified = Mutex<[String: AccessTokens.Claims]>([:])
    static let verifiedCapacity = 4096

    /// `clock` is Unix seconds.
    public init(directory: AccountDirectory, tokens: AccessTokens, database: Database, clock: @escaping @Sendable () -> Int64) {
        self.directory = directory
        self.tokens = tokens
        self.database = database
        self.clock = clock
    }

    public func principal(for credential: Credential) -> Principal? {
        let now = clock()
        switch credential.kind {
        case .bearer, .cookie, .query:
            guard credential.value.utf8.count <= JWTSigner.maximumLength, credential.value.contains("."),
                let claims = claims(of: credential.value, now: now), let user = directory.user(claims.userID),
                claims.epoch == user.tokenEpoch, !directory.isRevoked(session: claims.sessionID)
            else { return nil }
            return directory.identity(user, via: .session(id: claims.sessionID))
        case .apiKey:
            guard let (key, owner) = directory.key(presented: credential.value, nowMilliseconds: now * 1000) else { return nil }
            stampUse(of: key.id, now: now)
            return directory.identity(owner, via: .apiKey(id: key.id), permissions: Permission.effective(roles: owner.grants, scopes: key.scopes))
        }
    }

    /// The claims of a valid access token, from the cache of verified ones or by verifying it.
    private func claims(of token: String, now: Int64) -> AccessTokens.Claims? {
        if let known = verified.withLock({ $0[token] }) {
            return now < known.expiresAt + tokens.signer.leewaySeconds ? known : nil
        }
        guard let claims = tokens.verify(token, now: now) else { return nil }
        verified.withLock { cache in
            if cache.count >= Self.verifiedCapacity {
                cache = cache.filter { now < $0.value.expiresAt + tokens.signer.leewaySeconds }
                if cache.count >= Self.verifiedCapacity { cache.removeAll(keepingCapacity: true) }
            }
            cache[token] = claims
        }
        return claims
    }

    private func stampUse(of keyID: String, now: Int64) {
        let due = stamped.withLock { stamped in
            guard (stamped[keyID] ?? 0) <= now - 60 else { return false }
            stamped[keyID] = now
            return true
        }
        guard due else { return }
        let database = database
        Task.detached {
            try? await database.perform {
                try database.execute("UPDATE api_keys SET last_used_at = ? WHERE id = ?", [.integer(now * 1000), .text(keyID)])
            }
        }
    }
}
