public import FoundationEssentials

/// An API key as listed (003 `APIKeyInfo`): never its secret, only the visible prefix.
public struct APIKey: Sendable, Equatable {
    public var id: String
    public var userID: String
    public var name: String
    public var description: String?
    /// `apk_` and 8 hex digits: shown in lists so the owner can tell keys apart.
    public var prefix: String
    /// Permission strings or 003's coarse `read`/`write`/`admin` (see `Permission.granted(byScope:)`).
    public var scopes: [String]
    public var expiresAt: Date?
    public var lastUsedAt: Date?
    public var revokedAt: Date?
    public var createdAt: Date
    public var updatedAt: Date

    public func isActive(at now: Date = Date()) -> Bool { revokedAt == nil && (expiresAt.map { now < $0 } ?? true) }

    /// What the key may do: the union of its scopes (the gate intersects it with the owner's roles).
    public var permissions: [Permission] { scopes.flatMap { (try? Permission.granted(byScope: $0)) ?? [] } }
}

/// A new key with its plaintext, which is shown once and never stored.
public struct CreatedAPIKey: Sendable, Equatable {
    public let key: APIKey
    /// `apk_<8 hex>_<43 base64url>`.
    public let plaintext: String
}
