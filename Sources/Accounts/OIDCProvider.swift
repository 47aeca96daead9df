public import FoundationEssentials

/// Which ID-token claims fill the local account (003 `ClaimMappings`; its defaults).
public struct OIDCClaimMappings: Sendable, Equatable {
    public var username = "preferred_username"
    public var email = "email"
    public var name = "name"
    public var picture = "picture"
    public var roles = "groups"

    public init() {}
}

/// Endpoints that override what the issuer's discovery document says; nil uses discovery.
public struct OIDCEndpoints: Sendable, Equatable {
    public var authorization: String?
    public var token: String?
    public var userInfo: String?
    public var jwks: String?
    public var endSession: String?

    public init() {}
}

/// What an admin sets on a provider (003 `CreateOIDCProviderRequest`). `clientSecret` nil on an
/// update keeps the stored one, so a form that shows `****` can be saved unchanged.
public struct OIDCProviderSettings: Sendable, Equatable {
    public var name: String
    public var displayName: String
    public var providerType = "generic"
    public var issuerURL: String
    public var clientID: String
    public var clientSecret: String?
    public var scopes = ["openid", "profile", "email"]
    public var claimMappings = OIDCClaimMappings()
    /// Provider role or group → local role name.
    public var roleMappings: [String: String] = [:]
    public var endpoints = OIDCEndpoints()
    /// The role a user created by this provider gets.
    public var defaultRole = Role.user
    public var autoCreateUsers = true
    public var updateUserInfo = true
    public var allowLinking = true
    public var enabled = true

    public init(name: String, displayName: String, issuerURL: String, clientID: String, clientSecret: String?) {
        self.name = name
        self.displayName = displayName
        self.issuerURL = issuerURL
        self.clientID = clientID
        self.clientSecret = clientSecret
    }
}

/// A stored provider (003 `AdminOIDCProvider`). Every read meant for a response has the client
/// secret masked as `****`; only `OIDCProviderStore.unmasked(_:)` returns it, for the token exchange.
public struct OIDCProvider: Sendable, Equatable {
    public static let mask = "****"
    public var id: String
    public var settings: OIDCProviderSettings
    public var isDefault: Bool
    public var createdAt: Date
    public var updatedAt: Date
}

/// A local user's link to an identity at a provider (003 `OIDCUserLink`).
public struct OIDCLink: Sendable, Equatable {
    public var id: String
    public var providerID: String
    public var providerName: String
    public var providerDisplayName: String
    /// The ID token's `sub`.
    public var subject: String
    public var userID: String
    public var email: String?
    public var linkedAt: Date
    public var lastLoginAt: Date?
}
