import Crypto
import HTTP
public import Store
import Synchronization

/// What the gate needs to know about accounts, kept in memory so that checking a credential on the
/// server thread never touches SQLite: each user's name, roles, permissions, disabled flag and token
/// epoch, the active API keys by prefix, and the sessions revoked while their access tokens live.
/// Reloaded from the database (`reload`, on the database's queue) after every account change, so a
/// disabled user, a revoked session or a changed role stops the next request.
public final class AccountDirectory: Sendable {
    struct UserEntry: Sendable {
        let id: String
        let username: String
        let primaryRole: String
        let grants: [Permission]
        let permissions: Set<String>
        let disabled: Bool
        let tokenEpoch: Int64
    }

    struct KeyEntry: Sendable {
        let id: String
        let userID: String
        let hash: [UInt8]
        let scopes: [Permission]
        /// Unix milliseconds; nil never expires.
        let expiresAt: Int64?
    }

    private struct Snapshot: Sendable {
        var users: [String: UserEntry] = [:]
        var keysByPrefix: [String: KeyEntry] = [:]
    }

    private let snapshot = Mutex(Snapshot())
    /// Session id → the Unix second after which no access token of it can be valid any more.
    private let revokedSessions = Mutex<[String: Int64]>([:])

    public init() {}

    /// Reads every user, role grant and active API key. Blocking: call it on the database's queue
    /// (`database.perform { try directory.reload(from: database) }`) or from a thread.
    public func reload(from database: Database) throws(AccountError) {
        let loaded: Snapshot = try AccountError.wrap {
            var grantsByRole: [String: [Permission]] = [:]
            for row in try database.query("SELECT role, resource, action FROM role_permissions") {
                grantsByRole[row.string("role") ?? "", default: []].append(Permission(row.string("resource") ?? "", row.string("action") ?? ""))
            }
            var rolesByUser: [String: [String]] = [:]
            for row in try database.query("SELECT user_id, role FROM user_roles ORDER BY user_id, role") {
                rolesByUser[row.string("user_id") ?? "", default: []].append(row.string("role") ?? "")
            }
            var next = Snapshot()
            for row in try database.query("SELECT id, username, disabled, token_epoch FROM users") {
                guard let id = row.string("id"), let username = row.string("username") else { continue }
                let roles = rolesByUser[id] ?? []
                let grants = roles.flatMap { grantsByRole[$0] ?? [] }
                next.users[id] = UserEntry(
                    id: id, username: username, primaryRole: User.primaryRole(of: roles), grants: grants,
                    permissions: Permission.concrete(grants), disabled: row.int64("disabled") != 0,
                    tokenEpoch: row.int64("token_epoch") ?? 0)
            }
            for row in try database.query(
                "SELECT id, user_id, prefix, key_hash, scopes, expires_at FROM api_keys WHERE revoked_at IS NULL")
            {
                guard let id = row.string("id"), let userID = row.string("user_id"), let prefix = row.string("prefix"),
                    case .blob(let hash) = row["key_hash"]
                else { continue }
                let scopes = (row.string("scopes") ?? "").split(separator: " ").flatMap { (try? Permission.granted(byScope: String($0))) ?? [] }
                next.keysByPrefix[prefix] = KeyEntry(id: id, userID: userID, hash: hash, scopes: scopes, expiresAt: row.int64("expires_at"))
            }
            return next
        }
        snapshot.withLock { $0 = loaded }
    }

    func user(_ id: String) -> UserEntry? {
        snapshot.withLock { $0.users[id] }
    }

    /// The active key a presented `X-API-Key` value is, compared in constant time, and its owner.
    func key(presented: String, nowMilliseconds: Int64) -> (KeyEntry, UserEntry)? {
        let prefixLength = APIKeyStore.keyPrefix.utf8.count + 8
        guard presented.utf8.count <= 128, presented.hasPrefix(APIKeyStore.keyPrefix), presented.utf8.count > prefixLength + 1 else {
            return nil
        }
        let prefix = String(presented.prefix(prefixLength))
        return snapshot.withLock { snapshot in
            guard let key = snapshot.keysByPrefix[prefix], Crypto.constantTimeEqual(key.hash, Secrets.hash(presented)),
                key.expiresAt.map({ nowMilliseconds < $0 }) ?? true, let owner = snapshot.users[key.userID]
            else { return nil }
            return (key, owner)
        }
    }

    /// Refuses the session's access tokens from now on (logout, revoke, refresh reuse) until `until`,
    /// when they would have expired anyway.
    public func revokeSession(_ id: String, until: Int64, now: Int64) {
        revokedSessions.withLock { revoked in
            revoked[id] = until
            if revoked.count > 10_000 { revoked = revoked.filter { $0.value > now } }
        }
    }

    func isRevoked(session id: String) -> Bool {
        revokedSessions.withLock { $0[id] != nil }
    }

    /// The principal a user id stands for through `via`, or nil when the user is gone or disabled.
    func identity(_ entry: UserEntry, via: UserIdentity.Via, permissions: Set<String>? = nil) -> Principal? {
        guard !entry.disabled else { return nil }
        return .user(UserIdentity(id: entry.id, username: entry.username, role: entry.primaryRole, permissions: permissions ?? entry.permissions, via: via))
    }
}
