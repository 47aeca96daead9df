import Core
import TestSupport

@testable import HTTP
@testable import Routes

/// A real server on 127.0.0.1, port 0, with the test token, for one test.
struct TestServer: Sendable {
    static let token = "test-token-0123456789"
    let server: HTTPServer
    let router: Router
    var port: UInt16 { server.port }

    init(
        routes: [Route], configure: (inout ServerConfiguration) -> Void = { _ in }, setupComplete: Bool = true,
        hosts: HostAllowList? = nil, verifiers: [any CredentialVerifier] = []
    ) throws {
        var configuration = ServerConfiguration()
        configuration.listenAddress = "127.0.0.1"
        configuration.port = 0
        configuration.accessLog = .off
        // Generous, so a test process starved on a loaded machine does not see its connection dropped;
        // the tests of the timeout itself set their own.
        configuration.connectionTimeoutSeconds = 120
        configuration.headTimeoutSeconds = 120
        configuration.handlerTimeLimitSeconds = 120
        configure(&configuration)
        router = Router(routes)
        let gate = AuthGate(verifiers: [ApplianceTokenVerifier(token: TestServer.token)] + verifiers, setup: SetupFlag(complete: setupComplete), hosts: hosts)
        server = HTTPServer(router: router, gate: gate, configuration: configuration)
        try server.start()
    }

    func client(source: String? = nil, timeoutSeconds: Int = 120) async throws -> RawHTTPClient {
        try await RawHTTPClient.connect(port: port, source: source, timeoutSeconds: timeoutSeconds)
    }

    /// One request on a fresh connection; a body is sent as JSON unless `headers` name another `Content-Type`.
    func request(_ method: String, _ path: String, headers: [String: String] = [:], body: [UInt8] = []) async throws -> RawHTTPClient.Reply {
        var headers = headers
        if !body.isEmpty, !headers.keys.contains(where: { $0.lowercased() == "content-type" }) {
            headers["Content-Type"] = "application/json"
        }
        return try await RawHTTPClient.request(port: port, method, path, headers: headers, body: body)
    }

    var auth: [String: String] { ["X-Auth-Token": TestServer.token] }
}
