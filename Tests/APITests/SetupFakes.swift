import Core
import Synchronization

@testable import HTTP
@testable import Routes

/// In-memory `SetupStateStore`: a dictionary, shared between "restarts" by reusing the instance.
final class MemorySetupStore: SetupStateStore {
    let values = Mutex<[String: String]>([:])
    func value(forKey key: String) throws -> String? { values.withLock { $0[key] } }
    func setValue(_ value: String?, forKey key: String) throws { values.withLock { $0[key] = value } }
}

/// In-memory appliance token, from "secrets.toml" or the environment.
final class MemoryTokenStore: ApplianceTokenStore {
    let token: Mutex<ApplianceToken>
    init(_ value: String = "generated-token-0123456789abcdefghijklmnopqrstuv", source: ApplianceTokenSource = .config) {
        token = Mutex(ApplianceToken(value: value, source: source))
    }
    func current() throws -> ApplianceToken { token.withLock { $0 } }
    func replace(with value: String) throws { token.withLock { $0.value = value } }
}

/// In-memory Plex settings.
final class MemoryPlexSettings: PlexSettingsStore {
    let settings: Mutex<PlexConnectionSettings>
    init(_ settings: PlexConnectionSettings = PlexConnectionSettings()) { self.settings = Mutex(settings) }
    func plexConnection() throws -> PlexConnectionSettings { settings.withLock { $0 } }
    func savePlexToken(_ token: String) throws { settings.withLock { $0.token = token } }
}

/// A Plex account with one PIN (approved after `pendingPolls` polls), one server and its libraries.
final class FakePlex: PlexService {
    static let goodToken = "plex-token-abc"
    static let reachable = "http://192.168.1.10:32400"
    let polls = Mutex(0)
    let pendingPolls: Int
    let libraries: [PlexLibrary] = [
        PlexLibrary(id: "1", name: "Movies", type: "movie", itemCount: 500),
        PlexLibrary(id: "2", name: "TV Shows", type: "show"),
    ]

    init(pendingPolls: Int = 1) { self.pendingPolls = pendingPolls }

    func createPin() async throws(PlexServiceError) -> PlexPin {
        PlexPin(id: 12345, code: "ABCD1234", authURL: "https://app.plex.tv/auth#?clientID=test&code=ABCD1234")
    }

    func pollPin(id: Int64) async throws(PlexServiceError) -> PlexPinStatus {
        switch id {
        case 12345:
            let count = polls.withLock {
                $0 += 1; return $0
            }
            return PlexPinStatus(authToken: count > pendingPolls ? Self.goodToken : nil)
        case 999: throw .pinExpired
        default: throw .pinNotFound
        }
    }

    func servers(token: String) async throws(PlexServiceError) -> [PlexServer] {
        guard token == Self.goodToken else { throw .unauthorized }
        return [PlexServer(name: "My Server", machineID: "abc123", host: "192.168.1.10", port: 32400, ssl: false, owned: true, local: true)]
    }

    func libraries(url: String, token: String) async throws(PlexServiceError) -> [PlexLibrary] {
        try check(url, token)
        return libraries
    }

    func test(url: String, token: String) async throws(PlexServiceError) -> PlexServerIdentity {
        try check(url, token)
        return PlexServerIdentity(name: "My Server", version: "1.32.0")
    }

    private func check(_ url: String, _ token: String) throws(PlexServiceError) {
        guard url == Self.reachable else { throw .unreachable("connect to \(url) timed out") }
        guard token == Self.goodToken else { throw .unauthorized }
    }
}

/// Calls the route a method and path match, the way the server does after its auth check.
func call(
    _ router: Router, _ method: String, _ path: String, query: [String: String] = [:], body: JSON? = nil,
    headers: Headers = Headers()
) async throws -> Response {
    guard case .found(let route, let parameters) = router.match(method: method, path: path) else {
        throw HTTPError.notFound("no route for \(method) \(path)")
    }
    let request = Request(method: method, path: path, query: query, headers: headers, body: body?.encoded() ?? [], parameters: parameters)
    switch route.handler {
    case .immediate(let handler): return try handler(request)
    case .async(let handler), .upgradeOrAsync(_, let handler): return try await handler(request)
    case .webSocket: throw HTTPError.badRequest("websocket route")
    }
}

/// The error a call threw, or nil when it succeeded.
func callError(_ router: Router, _ method: String, _ path: String, query: [String: String] = [:], body: JSON? = nil) async -> HTTPError? {
    do {
        _ = try await call(router, method, path, query: query, body: body)
        return nil
    } catch let error as HTTPError {
        return error
    } catch {
        return HTTPError.serverError("\(error)")
    }
}

extension Response {
    var json: JSON { (try? JSON.decode(body)) ?? .null }
}
