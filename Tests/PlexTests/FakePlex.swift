import Core
import Fetch
import Plex
import TestSupport

/// The fake plex.tv + PMS from `Tests/Fixtures/fake_plex.py`, with clients pointed at it.
struct FakePlex: Sendable {
    /// One fake with default flags shared by the tests that change none of its state
    /// (a fixture process per test would crowd a 2-core machine). It dies with the test process.
    static let shared = SharedFixture { try FakePlex() }

    let server: FixtureServer
    let token = "fake-plex-token"
    let info = PlexClientInfo(clientIdentifier: "test-client-0001")

    init(_ arguments: [String] = []) throws {
        server = try FixtureServer(script: "fake_plex.py", arguments: arguments)
    }

    /// A fake of its own with `arguments`, started off the cooperative pool.
    static func start(_ arguments: [String]) async throws -> FakePlex {
        try await offPool { try FakePlex(arguments) }
    }

    var plexTV: PlexTVClient { PlexTVClient(client: info, baseURL: server.baseURL, appURL: "https://app.plex.tv") }

    func pms(token: String? = nil, timeout: Double = 5) -> PlexServerClient {
        PlexServerClient(
            baseURL: server.baseURL, token: token ?? self.token, client: info,
            fetch: FetchClient(options: FetchOptions(connectTimeout: 2, timeout: timeout)))
    }

    // MARK: 001's Plex browsing (issue 13)

    /// The paths (with their queries) the fake answered, oldest first, less its control calls.
    func requestedPaths() async throws -> [String] {
        let list = try JSON.decode(try await FetchClient().get("\(server.baseURL)/__control/requests").body).arrayValue ?? []
        return list.compactMap { $0["path"]?.stringValue }.filter { !$0.hasPrefix("/__control/") }
    }

    // MARK: Control

    /// POSTs to one of the fake's `/__control/…` routes.
    func control(_ path: String) async throws {
        _ = try await FetchClient().post("\(server.baseURL)/__control/\(path)")
    }
}
