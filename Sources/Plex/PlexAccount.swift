import Core
import Fetch

/// A plex.tv account as `GET /api/v2/user` describes it (the token it answers with is left out).
public struct PlexAccount: Sendable, Equatable {
    /// plex.tv's numeric account id, as text.
    public let id: String
    public let username: String
    public let email: String?
    /// The avatar's URL.
    public let thumb: String?
    /// The display name (`title`; the username when the account has none).
    public let title: String?

    public init(id: String, username: String, email: String?, thumb: String?, title: String?) {
        self.id = id
        self.username = username
        self.email = email
        self.thumb = thumb
        self.title = title
    }
}

/// How a plex.tv account stands to one Plex Media Server, from the account's resources.
public enum PlexServerStanding: Sendable, Equatable {
    /// The account owns the server.
    case owner
    /// The server is shared with the account.
    case shared
    /// The account cannot reach the server.
    case none
}

extension PlexTVClient {
    /// `GET /api/v2/user`: the account the token belongs to.
    public func account(token: String) async throws(PlexError) -> PlexAccount {
        let request = FetchRequest(.get, "\(baseURL)/api/v2/user", headers: client.headers + [("X-Plex-Token", token)])
        let json = try await transport.json(request, what: "account")
        guard let id = json["id"]?.plexString, let username = json["username"]?.stringValue, !username.isEmpty else {
            throw PlexError(kind: .badResponse, message: "account: no id or username", url: request.url)
        }
        func text(_ key: String) -> String? { json[key]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } }
        return PlexAccount(id: id, username: username, email: text("email"), thumb: text("thumb"), title: text("title"))
    }

    /// Whether the account of `token` owns the server with `machineIdentifier`, has it shared, or neither.
    public func standing(token: String, toServer machineIdentifier: String) async throws(PlexError) -> PlexServerStanding {
        guard let server = try await servers(token: token).first(where: { $0.clientIdentifier == machineIdentifier }) else {
            return .none
        }
        return server.owned ? .owner : .shared
    }
}
