import HTTP
/// What the wizard needs from plex.tv and a Plex Media Server; the daemon backs it with the libcurl
/// Plex client, tests with a fake. Implementations enforce their own connect and total timeouts.
public protocol PlexService: Sendable {
    /// Creates a strong PIN at plex.tv (`POST /api/v2/pins`).
    func createPin() async throws(PlexServiceError) -> PlexPin
    /// Polls a PIN (`GET /api/v2/pins/{id}`); `authToken` is set once the person approved it.
    func pollPin(id: Int64) async throws(PlexServiceError) -> PlexPinStatus
    /// The account's servers from plex.tv resources.
    func servers(token: String) async throws(PlexServiceError) -> [PlexServer]
    /// The sections of the server at `url` (`GET /library/sections`).
    func libraries(url: String, token: String) async throws(PlexServiceError) -> [PlexLibrary]
    /// The identity of the server at `url` (`GET /`), proving the URL and token work.
    func test(url: String, token: String) async throws(PlexServiceError) -> PlexServerIdentity
}

/// Why a Plex call failed, in the terms the API reports.
public enum PlexServiceError: Error, Sendable, Equatable {
    /// plex.tv or the server refused the token (401/403).
    case unauthorized
    /// The PIN does not exist at plex.tv.
    case pinNotFound
    /// The PIN expired before it was approved.
    case pinExpired
    /// No answer within the timeout, refused connection, DNS or TLS failure.
    case unreachable(String)
    /// An answer that was not what Plex documents (status, size cap, parse error).
    case upstream(String)
}

/// A sign-in PIN and the page where the person approves it.
public struct PlexPin: Sendable, Equatable {
    public var id: Int64
    public var code: String
    public var authURL: String

    public init(id: Int64, code: String, authURL: String) {
        self.id = id
        self.code = code
        self.authURL = authURL
    }
}

/// A polled PIN: `authToken` is nil until the person approved it.
public struct PlexPinStatus: Sendable, Equatable {
    public var authToken: String?

    public init(authToken: String?) {
        self.authToken = authToken
    }
}

/// One Plex Media Server of the account, with its preferred connection.
public struct PlexServer: Sendable, Equatable {
    public var name: String
    public var machineID: String
    public var host: String
    public var port: Int
    public var ssl: Bool
    public var owned: Bool
    public var local: Bool

    public init(name: String, machineID: String, host: String, port: Int, ssl: Bool, owned: Bool, local: Bool) {
        self.name = name
        self.machineID = machineID
        self.host = host
        self.port = port
        self.ssl = ssl
        self.owned = owned
        self.local = local
    }
}

/// One library section of a server; `itemCount` when the server reported it.
public struct PlexLibrary: Sendable, Equatable {
    public var id: String
    public var name: String
    public var type: String
    public var itemCount: Int?

    public init(id: String, name: String, type: String, itemCount: Int? = nil) {
        self.id = id
        self.name = name
        self.type = type
        self.itemCount = itemCount
    }
}

/// What `GET /` of a Plex Media Server says about itself.
public struct PlexServerIdentity: Sendable, Equatable {
    public var name: String
    public var version: String

    public init(name: String, version: String) {
        self.name = name
        self.version = version
    }
}
