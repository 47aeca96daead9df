public import FoundationEssentials

/// One signed-in device (003 `SessionInfo`): a refresh-token family. Its refresh token is rotated on
/// every use; only the SHA-256 of the current one and of every earlier one is stored.
public struct Session: Sendable, Equatable {
    public var id: String
    public var userID: String
    /// Signed in with "remember me" (a longer lifetime).
    public var remember: Bool
    public var userAgent: String?
    public var ipAddress: String?
    public var createdAt: Date
    public var lastUsedAt: Date
    public var expiresAt: Date
    public var revokedAt: Date?

    public func isActive(at now: Date = Date()) -> Bool { revokedAt == nil && now < expiresAt }
}

/// A session with the plaintext refresh token that goes to the client, once.
public struct IssuedSession: Sendable, Equatable {
    public let session: Session
    public let refreshToken: String
}

/// What presenting a refresh token did.
public enum RefreshOutcome: Sendable, Equatable {
    /// The token was current: here is its successor (the presented one is spent).
    case rotated(IssuedSession)
    /// The token had been rotated already, so it was stolen or replayed: the whole session (family)
    /// is revoked now. The caller logs it and answers 401.
    case reused(sessionID: String, userID: String)
    case expired
    /// The session was signed out or revoked.
    case revoked
    /// No session has ever had this token.
    case unknown
}
