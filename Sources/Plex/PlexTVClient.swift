import Core
public import Fetch
import FoundationEssentials

/// plex.tv: the PIN sign-in and the account's servers. Base URLs are settings, so tests (and people
/// behind a proxy) point them elsewhere.
public struct PlexTVClient: Sendable {
    public var baseURL: String
    /// Where the person signs in (`https://app.plex.tv`).
    public var appURL: String
    public var client: PlexClientInfo
    let transport: PlexTransport

    public init(
        client: PlexClientInfo, baseURL: String = "https://plex.tv", appURL: String = "https://app.plex.tv",
        fetch: FetchClient = FetchClient(options: FetchOptions(connectTimeout: 5, timeout: 15, maximumResponseBytes: 4 << 20))
    ) {
        self.client = client
        self.baseURL = URLQuery.trimmed(baseURL)
        self.appURL = URLQuery.trimmed(appURL)
        self.transport = PlexTransport(fetch: fetch)
    }

    /// `POST /api/v2/pins` with `strong=true`: a new PIN to sign in with.
    public func createPin() async throws(PlexError) -> PlexPin {
        let request = FetchRequest(
            .post, "\(baseURL)/api/v2/pins",
            headers: client.headers + [("Content-Type", "application/x-www-form-urlencoded")],
            body: Array("strong=true".utf8))
        return try Self.pin(try await transport.json(request, what: "PIN"), url: request.url)
    }

    /// `GET /api/v2/pins/{id}`: the PIN with its token once the person has signed in.
    /// An expired or unknown PIN throws `.notFound`.
    public func checkPin(id: Int) async throws(PlexError) -> PlexPin {
        let request = FetchRequest(.get, "\(baseURL)/api/v2/pins/\(id)", headers: client.headers)
        return try Self.pin(try await transport.json(request, what: "PIN \(id)"), url: request.url)
    }

    /// The page the person opens to sign in and allow this PIN.
    public func authURL(for pin: PlexPin) -> String {
        "\(appURL)/auth#?clientID=\(URLQuery.encode(client.clientIdentifier))&code=\(URLQuery.encode(pin.code))"
            + "&context%5Bdevice%5D%5Bproduct%5D=\(URLQuery.encode(client.product))"
    }

    /// `GET /api/v2/resources?includeHttps=1&includeRelay=1`: the account's Plex Media Servers
    /// (devices that provide `server`; players and controllers are left out).
    public func servers(token: String) async throws(PlexError) -> [PlexServerResource] {
        let request = FetchRequest(
            .get, "\(baseURL)/api/v2/resources?includeHttps=1&includeRelay=1",
            headers: client.headers + [("X-Plex-Token", token)])
        let document = try await transport.json(request, what: "resources")
        guard let devices = document.arrayValue else {
            throw PlexError(kind: .badResponse, message: "resources: not a list", url: request.url)
        }
        return devices.compactMap { device in
            let provides = device["provides"]?.stringValue ?? ""
            guard provides.split(separator: ",").contains("server"), let name = device["name"]?.stringValue,
                let identifier = device["clientIdentifier"]?.plexString
            else { return nil }
            let connections = (device["connections"]?.arrayValue ?? []).compactMap { c -> PlexConnection? in
                guard let uri = c["uri"]?.stringValue, let address = c["address"]?.stringValue,
                    let port = c["port"]?.plexInt
                else { return nil }
                return PlexConnection(
                    uri: uri, address: address, port: port, protocol: c["protocol"]?.stringValue ?? "http",
                    local: c["local"]?.plexBool ?? false, relay: c["relay"]?.plexBool ?? false)
            }
            return PlexServerResource(
                name: name, clientIdentifier: identifier, owned: device["owned"]?.plexBool ?? false,
                productVersion: device["productVersion"]?.stringValue ?? "", accessToken: device["accessToken"]?.stringValue,
                connections: connections)
        }
    }

    static func pin(_ json: JSON, url: String) throws(PlexError) -> PlexPin {
        guard let id = json["id"]?.plexInt, let code = json["code"]?.stringValue else {
            throw PlexError(kind: .badResponse, message: "PIN: no id or code", url: url)
        }
        let expiresAt = json["expiresAt"]?.stringValue.flatMap { try? Date($0, strategy: .iso8601) }
        return PlexPin(id: id, code: code, expiresAt: expiresAt, authToken: json["authToken"]?.stringValue)
    }
}
