import Accounts
import Store
import TestSupport

/// A state database in a fresh directory, with the account stores over it.
final class AccountsFixture {
    let directory = TemporaryDirectory("accounts")
    let database: Database

    init() throws {
        database = try Database.openState(root: directory.path)
    }

    var users: UserStore { UserStore(database: database) }
    var roles: RoleStore { RoleStore(database: database) }
    var sessions: SessionStore { SessionStore(database: database) }
    var keys: APIKeyStore { APIKeyStore(database: database) }
    var mfa: MFAStore { MFAStore(database: database) }
    var emailTokens: EmailTokenStore { EmailTokenStore(database: database) }
    var oidc: OIDCProviderStore { OIDCProviderStore(database: database) }
    var activity: ActivityLog { ActivityLog(database: database) }

    @discardableResult
    func user(_ name: String, email: String? = nil, roles: [String] = [Role.user]) throws -> User {
        try users.create(
            NewUser(username: name, email: email ?? "\(name)@example.com", passwordHash: "$argon2id$v=19$m=8,t=1,p=1$c2FsdA$aGFzaA", roles: roles))
    }
}
