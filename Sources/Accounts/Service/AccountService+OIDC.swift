import Core
import FoundationEssentials
public import HTTP

extension ActivityAction {
    public static let providerCreated = "oidc.provider_created"
    public static let providerUpdated = "oidc.provider_updated"
    public static let providerDeleted = "oidc.provider_deleted"
    public static let providerEnabled = "oidc.provider_enabled"
    public static let providerDisabled = "oidc.provider_disabled"
    public static let providerDefault = "oidc.provider_default"
    public static let oidcLinked = "oidc.linked"
    public static let oidcUnlinked = "oidc.unlinked"
}

/// Who an OIDC sign-in ends as, and how it got there.
public struct OIDCAccount: Sendable {
    public let user: User
    /// The user was made by this sign-in (the provider auto-creates users).
    public let created: Bool
    /// The identity was linked to the user by this sign-in (a link flow).
    public let linked: Bool
}

extension AccountService {
    /// The enabled provider called `name` with its client secret, as the relying party needs it; nil
    /// when there is none or it is switched off.
    public func signInProvider(named name: String) async throws(HTTPError) -> (OIDCProvider, OIDCProviderConfig)? {
        guard (1...FieldLimits.nameLength).contains(name.utf8.count) else { return nil }
        return try await perform { service -> (OIDCProvider, OIDCProviderConfig)? in
            guard let masked = try service.providers.get(name: name), masked.settings.enabled,
                let provider = try service.providers.unmasked(id: masked.id), let secret = provider.settings.clientSecret
            else { return nil }
            let s = provider.settings
            return (
                masked,
                OIDCProviderConfig(id: provider.id, issuer: s.issuerURL, clientID: s.clientID, clientSecret: secret, scopes: s.scopes)
            )
        }
    }

    /// The local account a verified identity signs in as: the linked user; or, in a link flow, the user
    /// who started it (now linked); or a new user when the provider creates them. `forbidden` when the
    /// identity is unknown and the provider creates no one, or links are off.
    public func account(for signIn: OIDCSignIn, provider: OIDCProvider) async throws(HTTPError) -> OIDCAccount {
        let identity = signIn.identity
        let settings = provider.settings
        let email = identity.emailVerified ? identity.email.flatMap(Self.acceptableEmail) : nil
        let account = try await perform { service -> OIDCAccount in
            let existing = try service.providers.link(providerID: provider.id, subject: identity.subject)
            if let linkingUserID = signIn.linkingUserID {
                guard settings.allowLinking else { throw AccountError.forbidden("This provider does not allow linking accounts") }
                if let existing {
                    guard existing.userID == linkingUserID else { throw HTTPError.conflict("This identity is already linked to another account") }
                } else {
                    try service.providers.link(providerID: provider.id, subject: identity.subject, userID: linkingUserID, email: email)
                }
                guard let user = try service.users.get(id: linkingUserID) else { throw AccountError.notFound("user") }
                return OIDCAccount(user: user, created: false, linked: existing == nil)
            }
            if let existing {
                try service.providers.recordLogin(linkID: existing.id)
                guard var user = try service.users.get(id: existing.userID) else { throw AccountError.notFound("user") }
                if settings.updateUserInfo, let name = Self.acceptableDisplayName(identity.name), name != user.displayName {
                    user = try service.users.update(user.id, UserChanges(displayName: .some(name))) ?? user
                }
                return OIDCAccount(user: user, created: false, linked: false)
            }
            guard settings.autoCreateUsers else {
                throw AccountError.forbidden("No account is linked to this identity; sign in and link it from your profile")
            }
            let user = try service.createUser(for: identity, email: email, provider: provider)
            let link = try service.providers.link(providerID: provider.id, subject: identity.subject, userID: user.id, email: email)
            try service.providers.recordLogin(linkID: link.id)
            return OIDCAccount(user: user, created: true, linked: true)
        }
        if account.created { try await reloadDirectory() }
        return account
    }

    /// A user named after the provider's username claim, made unique (`ada`, `ada-2`, …); the e-mail
    /// only when verified and not already another account's.
    func createUser(for identity: OIDCIdentity, email: String?, provider: OIDCProvider) throws(AccountError) -> User {
        let base = Self.username(from: identity, claim: provider.settings.claimMappings.username)
        var email = email
        if let address = email, try users.get(email: address) != nil { email = nil }
        for attempt in 1...50 {
            let candidate = attempt == 1 ? base : "\(base)-\(attempt)"
            guard try users.get(username: candidate) == nil else { continue }
            return try users.create(
                NewUser(
                    username: candidate, email: email, displayName: Self.acceptableDisplayName(identity.name), emailVerified: email != nil,
                    roles: [provider.settings.defaultRole]))
        }
        let suffix = try AccountError.wrap { try Secrets.identifier() }.prefix(6)
        return try users.create(
            NewUser(
                username: "\(base)-\(suffix)", email: email, displayName: Self.acceptableDisplayName(identity.name), emailVerified: email != nil,
                roles: [provider.settings.defaultRole]))
    }

    /// A username from the claim the provider maps (`preferred_username`, `email`'s local part, `name`
    /// or `sub`; other claims fall back to `preferred_username`), reduced to `A-Z a-z 0-9 . _ -` and
    /// 3–24 characters, leaving room for a suffix; `user` when nothing usable is left.
    static func username(from identity: OIDCIdentity, claim: String) -> String {
        let raw: String? =
            switch claim {
            case "email": identity.email.map { String($0.prefix { $0 != "@" }) }
            case "name": identity.name
            case "sub": identity.subject
            default: identity.preferredUsername
            }
        let source = raw ?? identity.preferredUsername ?? identity.email.map { String($0.prefix { $0 != "@" }) } ?? ""
        let kept = source.unicodeScalars.map { scalar -> Character in
            scalar.isASCII && FieldLimits.isUsernameByte(UInt8(scalar.value)) ? Character(scalar) : "-"
        }
        var name = String(String(kept).prefix(24))
        while name.hasPrefix("-") || name.hasPrefix(".") { name.removeFirst() }
        return name.utf8.count >= FieldLimits.username.lowerBound ? name : "user"
    }

    static func acceptableEmail(_ email: String) -> String? {
        (try? FieldLimits.checkEmail(email)) == nil ? nil : email
    }

    static func acceptableDisplayName(_ name: String?) -> String? {
        guard let name, (try? FieldLimits.checkText(name, field: "display_name", maximum: FieldLimits.displayNameLength)) != nil else {
            return nil
        }
        return name.isEmpty ? nil : name
    }

    /// Removes the user's link to the provider; refused (409) when it is the account's last way to sign
    /// in (no password, no Plex account, no other link).
    public func unlink(providerID: String, user userID: String) async throws(HTTPError) {
        try await perform { service in
            guard let user = try service.users.get(id: userID) else { throw AccountError.notFound("user") }
            let links = try service.providers.links(userID: userID)
            guard links.contains(where: { $0.providerID == providerID }) else { throw AccountError.notFound("link to this provider") }
            let otherWays = links.count - 1 + (user.passwordHash == nil ? 0 : 1) + (user.plexAccountID == nil ? 0 : 1)
            guard otherWays > 0 else {
                throw AccountError.forbidden("This is the account's last way to sign in; set a password or link another provider first")
            }
            _ = try service.providers.unlink(providerID: providerID, userID: userID)
        }
    }
}
