/// plex.tv and the configured Plex server, as the Plex sign-in needs them: the daemon backs it with
/// the Plex client and the config (`plex.url`, `plex.token`), tests with a fake. Accounts never sees
/// the appliance's own Plex token; the tokens it passes in are the signing-in person's.
public protocol PlexAccountDirectory: Sendable {
    /// A new sign-in PIN at plex.tv; `clientName` is the product name plex.tv shows when approving.
    func createPin(clientName: String?) async throws(PlexDirectoryError) -> PlexSignInPin
    /// The person's plex.tv token once they approved the PIN, nil while it waits; `.pinExpired` once
    /// plex.tv forgot it.
    func checkPin(id: Int64) async throws(PlexDirectoryError) -> String?
    /// The plex.tv account of a token.
    func account(token: String) async throws(PlexDirectoryError) -> PlexAccountInfo
    /// How that account stands to the configured Plex server.
    func serverAccess(token: String, account: PlexAccountInfo) async throws(PlexDirectoryError) -> PlexServerAccess
}

/// A PIN at plex.tv and the page where the person approves it.
public struct PlexSignInPin: Sendable, Equatable {
    public var id: Int64
    public var code: String
    public var authURL: String
    /// Seconds until plex.tv forgets it.
    public var expiresIn: Int64

    public init(id: Int64, code: String, authURL: String, expiresIn: Int64) {
        self.id = id
        self.code = code
        self.authURL = authURL
        self.expiresIn = expiresIn
    }
}

/// A plex.tv account: its id, name, address and avatar.
public struct PlexAccountInfo: Sendable, Equatable {
    public var id: String
    public var username: String
    public var email: String?
    public var thumb: String?
    public var title: String?

    public init(id: String, username: String, email: String? = nil, thumb: String? = nil, title: String? = nil) {
        self.id = id
        self.username = username
        self.email = email
        self.thumb = thumb
        self.title = title
    }
}

/// How a Plex account stands to the appliance's Plex server.
public enum PlexServerAccess: Sendable, Equatable {
    /// It owns the configured server (or, with no server configured yet, it is the account the
    /// appliance signed in to Plex with): an admin.
    case owner
    /// The configured server is shared with it: a user.
    case shared
    /// It cannot reach the configured server.
    case none
    /// No server is configured, and the account is not the appliance's own Plex account: its access
    /// cannot be decided yet.
    case undecided
}

/// Why a plex.tv or Plex server call failed.
public enum PlexDirectoryError: Error, Sendable, Equatable {
    /// plex.tv refused the token.
    case unauthorized
    /// plex.tv forgot the PIN (it expired, or was never made for this appliance).
    case pinExpired
    /// No answer within the timeout, refused connection, DNS or TLS failure.
    case unreachable(String)
    /// An answer that was not what Plex documents.
    case upstream(String)
}
