import Core
public import HTTP
import Store

/// Sign-in with a Plex account (001's `/api/v1/auth/plex/*`): a PIN approved at plex.tv becomes a
/// local session. The account that owns the configured Plex server is (or becomes) an admin, one the
/// server is shared with a user; an account without access gets no account. A local user linked by
/// the Plex account id signs in as that user.
public final class PlexSignIn: Sendable {
    public let service: AccountService
    public let plex: any PlexAccountDirectory
    public let pins: PlexPendingPins

    public init(service: AccountService, plex: any PlexAccountDirectory, pins: PlexPendingPins = PlexPendingPins()) {
        self.service = service
        self.plex = plex
        self.pins = pins
    }

    /// A new PIN at plex.tv, kept under a fresh handle (the `id` the client verifies with).
    public func createPin(clientName: String?) async throws(HTTPError) -> (handle: String, pin: PlexSignInPin) {
        let pin = try await call { () async throws(PlexDirectoryError) in try await self.plex.createPin(clientName: clientName) }
        do {
            return (try pins.insert(plexID: pin.id, expiresIn: pin.expiresIn, now: service.clock()), pin)
        } catch {
            throw HTTPError.serverError()
        }
    }

    /// The session of the person who approved the PIN `handle` names. 404 for a handle never handed
    /// out (or spent), 410 once it expired, 400 `PIN_NOT_AUTHORIZED` while it waits for approval.
    public func verify(handle: String, remember: Bool, client: ClientInfo) async throws(HTTPError) -> SignedIn {
        let plexID: Int64
        switch pins.lookup(handle, now: service.clock()) {
        case .unknown: throw Self.unknownPin
        case .expired: throw Self.expiredPin
        case .pending(let id): plexID = id
        }
        let token: String?
        do {
            token = try await plex.checkPin(id: plexID)
        } catch .pinExpired {
            pins.remove(handle)
            throw Self.expiredPin
        } catch {
            throw Self.httpError(error)
        }
        guard let token else { throw Self.pinNotAuthorized }
        // Spent now whatever follows: a second verify of the same PIN cannot race this one.
        guard pins.remove(handle) else { throw Self.unknownPin }
        let account = try await call { () async throws(PlexDirectoryError) in try await self.plex.account(token: token) }
        let access = try await call { () async throws(PlexDirectoryError) in
            try await self.plex.serverAccess(token: token, account: account)
        }
        let user: User
        switch access {
        case .owner: user = try await localUser(for: account, role: Role.admin, client: client)
        case .shared: user = try await localUser(for: account, role: Role.user, client: client)
        case .none:
            await refused(account, client, reason: "no access to the Plex server")
            throw HTTPError(
                status: 403, code: "PLEX_ACCESS_DENIED", message: "This Plex account has no access to this appliance's Plex server",
                detail: "Ask the server's owner to share it with your Plex account")
        case .undecided:
            await refused(account, client, reason: "no Plex server configured")
            throw HTTPError(
                status: 409, code: "PLEX_SERVER_NOT_CONFIGURED",
                message: "No Plex server is configured yet, so only the appliance's own Plex account can sign in with Plex",
                detail: "Finish the setup wizard's Plex steps first; then the server's owner and the people it is shared with can sign in")
        }
        return try await service.signIn(user, remember: remember, client: client, method: "plex")
    }

    /// The user linked to the Plex account, made an admin when `role` is admin; else a new one with `role`.
    func localUser(for account: PlexAccountInfo, role: String, client: ClientInfo) async throws(HTTPError) -> User {
        let outcome: (user: User, created: Bool, promoted: Bool) = try await service.perform { service in
            try service.database.transaction { _ in
                if let linked = try service.users.get(plexAccountID: account.id) {
                    guard role == Role.admin, !linked.roles.contains(Role.admin) else { return (linked, false, false) }
                    try service.roles.assign(Role.admin, toUser: linked.id)
                    return (try service.users.get(id: linked.id) ?? linked, false, true)
                }
                return (try service.users.create(Self.newUser(for: account, role: role, service: service)), true, false)
            }
        }
        try await service.reloadDirectory()
        let user = outcome.user
        if outcome.created {
            await service.record(
                ActivityEntry(
                    userID: user.id, username: user.username, action: ActivityAction.userCreated, resourceType: "user", resourceID: user.id,
                    ipAddress: client.address, userAgent: client.userAgent, details: ["via": "plex", "role": .string(role)]))
        } else if outcome.promoted {
            await service.record(
                ActivityEntry(
                    userID: user.id, username: user.username, action: ActivityAction.roleChanged, resourceType: "user", resourceID: user.id,
                    ipAddress: client.address, userAgent: client.userAgent,
                    details: ["added": .string(Role.admin), "reason": "owns the configured Plex server"]))
        }
        return user
    }

    /// A new account for a Plex account: a free username made from the Plex one, the Plex e-mail
    /// address unless another account holds it (never linked by address: plex.tv does not prove it
    /// to us), the avatar when it is a plain http(s) URL. Call on the database queue.
    static func newUser(for account: PlexAccountInfo, role: String, service: AccountService) throws -> NewUser {
        let username = try service.freeUsername(from: [account.username, account.title, account.email], fallback: "plex")
        var email = account.email
        if let address = email {
            let usable = (try? FieldLimits.checkEmail(address)) != nil
            let held = usable ? try service.users.get(email: address) != nil : true
            if held { email = nil }
        }
        let title = (account.title ?? account.username).trimmingWhitespace()
        let displayName = (try? FieldLimits.checkText(title, field: "name", maximum: FieldLimits.displayNameLength)) == nil ? nil : title
        let avatar = account.thumb.flatMap { (try? FieldLimits.checkURL($0, field: "avatar_url")) == nil ? nil : $0 }
        let plexName = (try? FieldLimits.checkText(account.username, field: "plex_username", maximum: 255)) == nil ? nil : account.username
        return NewUser(
            username: username, email: email, displayName: displayName?.isEmpty == true ? nil : displayName,
            plexAccountID: account.id, plexUsername: plexName, avatarURL: avatar, roles: [role])
    }

    func refused(_ account: PlexAccountInfo, _ client: ClientInfo, reason: String) async {
        await service.record(
            ActivityEntry(
                username: String(account.username.prefix(64)), action: ActivityAction.loginFailed, resourceType: "session", success: false,
                errorMessage: reason, ipAddress: client.address, userAgent: client.userAgent,
                details: ["method": "plex", "plex_account_id": .string(String(account.id.prefix(64)))]))
    }

    func call<T: Sendable>(_ body: () async throws(PlexDirectoryError) -> T) async throws(HTTPError) -> T {
        do {
            return try await body()
        } catch {
            throw Self.httpError(error)
        }
    }

    static let unknownPin = HTTPError.notFound("Unknown PIN", detail: "Create one with POST /api/v1/auth/plex/pin and verify its id")
    static let expiredPin = HTTPError(
        status: 410, code: "PIN_EXPIRED", message: "The PIN expired before it was approved", detail: "Create a new one")
    static let pinNotAuthorized = HTTPError(
        status: 400, code: "PIN_NOT_AUTHORIZED", message: "The PIN has not been approved yet",
        detail: "Open qrUrl, sign in to Plex and allow the app, then verify again")

    /// plex.tv failures as the API reports them: unreachable is 503 `PLEX_UNREACHABLE` (001), the rest 502.
    /// The cause (refused, timed out, TLS, the URL) goes to the log only, as on the setup routes, so these
    /// public routes cannot be used to probe the network.
    static func httpError(_ error: PlexDirectoryError) -> HTTPError {
        switch error {
        case .unreachable(let why):
            Log.shared.warning("Failed to reach plex.tv for a Plex sign-in: \(why)")
            return HTTPError(status: 503, code: "PLEX_UNREACHABLE", message: "plex.tv or the Plex server cannot be reached", detail: "unreachable")
        case .unauthorized: return HTTPError.badGateway("plex.tv refused the token it issued")
        case .pinExpired: return expiredPin
        case .upstream(let why):
            Log.shared.warning("Unexpected answer from plex.tv for a Plex sign-in: \(why)")
            return HTTPError.badGateway("Plex answered what it does not document", detail: "unexpected answer")
        }
    }
}
