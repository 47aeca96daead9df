public import FoundationEssentials

/// A plex.tv sign-in PIN: the person opens `PlexTVClient.authURL(for:)`, signs in, and the next
/// poll returns the account's token.
public struct PlexPin: Sendable, Equatable {
    public let id: Int
    public let code: String
    /// When plex.tv forgets the PIN (polls then answer 404).
    public let expiresAt: Date?
    /// Set once the person has signed in and allowed the app.
    public let authToken: String?

    public init(id: Int, code: String, expiresAt: Date?, authToken: String?) {
        self.id = id
        self.code = code
        self.expiresAt = expiresAt
        self.authToken = authToken
    }

    public var isAuthenticated: Bool { authToken?.isEmpty == false }
}

/// One connection plex.tv lists for a server.
public struct PlexConnection: Sendable, Equatable {
    public let uri: String
    public let address: String
    public let port: Int
    /// `http` or `https`.
    public let `protocol`: String
    public let local: Bool
    public let relay: Bool

    public init(uri: String, address: String, port: Int, protocol: String, local: Bool, relay: Bool) {
        self.uri = uri
        self.address = address
        self.port = port
        self.protocol = `protocol`
        self.local = local
        self.relay = relay
    }

    public var ssl: Bool { `protocol` == "https" }

    /// The host to reach: the URI's host for https (a `*.plex.direct` name the certificate is
    /// issued for), the address otherwise.
    public var host: String {
        guard ssl, let scheme = uri.firstRange(of: "://") else { return address }
        let rest = uri[scheme.upperBound...]
        let authority = rest.prefix { $0 != "/" }
        if authority.hasPrefix("[") { return String(authority.prefix { $0 != "]" }) + "]" }
        return String(authority.prefix { $0 != ":" })
    }
}

/// A Plex Media Server on the signed-in account, from plex.tv's resources.
public struct PlexServerResource: Sendable, Equatable {
    public let name: String
    /// The server's machine identifier.
    public let clientIdentifier: String
    public let owned: Bool
    public let productVersion: String
    /// The token to use with this server (differs from the account's for shared servers).
    public let accessToken: String?
    public let connections: [PlexConnection]

    public init(
        name: String, clientIdentifier: String, owned: Bool, productVersion: String, accessToken: String?,
        connections: [PlexConnection]
    ) {
        self.name = name
        self.clientIdentifier = clientIdentifier
        self.owned = owned
        self.productVersion = productVersion
        self.accessToken = accessToken
        self.connections = connections
    }

    /// The base URL of `preferredConnection` (`http://192.168.1.100:32400`, or a `plex.direct` URL for https).
    public var preferredURL: String? { preferredConnection?.uri }

    /// The connection to try first: direct before relayed, local before remote, then plain http on
    /// the local network (no certificate to check), then https.
    public var preferredConnection: PlexConnection? {
        connections.min { a, b in
            func rank(_ c: PlexConnection) -> Int { (c.relay ? 4 : 0) + (c.local ? 0 : 2) + (c.local && !c.ssl ? 0 : 1) }
            return rank(a) < rank(b)
        }
    }
}
