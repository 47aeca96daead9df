import Synchronization

/// One sign-in between the redirect to the provider and the callback: what the callback needs to
/// finish it and what it must match.
public struct OIDCPendingLogin: Sendable, Equatable {
    public let providerID: String
    public let codeVerifier: String
    public let nonce: String
    /// The `redirect_uri` sent; the token request must repeat it exactly.
    public let redirectURI: String
    /// Where the browser goes after sign-in (a path on the appliance), when the caller gave one.
    public let returnTo: String?
    /// The signed-in user linking this provider to their account; nil for a sign-in.
    public let linkingUserID: String?
    public let createdAt: Int64

    public init(
        providerID: String, codeVerifier: String, nonce: String, redirectURI: String, returnTo: String?,
        linkingUserID: String?, createdAt: Int64
    ) {
        self.providerID = providerID
        self.codeVerifier = codeVerifier
        self.nonce = nonce
        self.redirectURI = redirectURI
        self.returnTo = returnTo
        self.linkingUserID = linkingUserID
        self.createdAt = createdAt
    }
}

/// Sign-ins waiting for their callback, in memory, keyed by `state`: each is taken once, expires
/// after `lifetimeSeconds`, and at most `capacity` are kept (the oldest dropped first, so a flood of
/// started sign-ins costs bounded memory).
public final class OIDCPendingLogins: Sendable {
    public let lifetimeSeconds: Int64
    public let capacity: Int
    private let entries = Mutex<[String: OIDCPendingLogin]>([:])

    public init(lifetimeSeconds: Int64 = 600, capacity: Int = 1000) {
        precondition(lifetimeSeconds > 0 && capacity > 0)
        self.lifetimeSeconds = lifetimeSeconds
        self.capacity = capacity
    }

    public func insert(_ login: OIDCPendingLogin, state: String) {
        entries.withLock { entries in
            let now = login.createdAt
            if entries.count >= capacity {
                entries = entries.filter { !expired($0.value, now: now) }
            }
            while entries.count >= capacity, let oldest = entries.min(by: { $0.value.createdAt < $1.value.createdAt }) {
                entries.removeValue(forKey: oldest.key)
            }
            entries[state] = login
        }
    }

    /// The sign-in started with `state`, removed so that it cannot be finished twice; nil when there is
    /// none or it has expired.
    public func take(state: String, now: Int64) -> OIDCPendingLogin? {
        guard let login = entries.withLock({ $0.removeValue(forKey: state) }), !expired(login, now: now) else { return nil }
        return login
    }

    public var count: Int { entries.withLock { $0.count } }

    private func expired(_ login: OIDCPendingLogin, now: Int64) -> Bool {
        now - login.createdAt >= lifetimeSeconds || now < login.createdAt - 300
    }
}
