import Core
import HTTP
import TestSupport

@testable import SocketIO

/// A real HTTP server on 127.0.0.1 serving `/socket.io/` from a `SocketIOServer`, with an appliance
/// token and users signed in by `user-<id>` tokens, and a long-polling Engine.IO client over raw HTTP.
struct SocketIOFixture: Sendable {
    static let token = "socketio-test-token-0123456789"
    let server: HTTPServer
    let socketIO: SocketIOServer
    var port: UInt16 { server.port }

    init(_ configure: (inout SocketIOLimits) -> Void = { _ in }) throws {
        var limits = SocketIOLimits()
        limits.sweepInterval = .milliseconds(50)
        configure(&limits)
        var configuration = ServerConfiguration()
        configuration.listenAddress = "127.0.0.1"
        configuration.port = 0
        configuration.accessLog = .off
        configuration.connectionTimeoutSeconds = 120
        configuration.headTimeoutSeconds = 120
        configuration.handlerTimeLimitSeconds = 120
        let gate = AuthGate(verifiers: [ApplianceTokenVerifier(token: Self.token), UserTokens()], setup: SetupFlag(complete: true))
        socketIO = SocketIOServer(gate: gate, limits: limits)
        server = HTTPServer(router: Router(SocketIORoutes(server: socketIO).routes), gate: gate, configuration: configuration)
        try server.start()
    }

    /// Handshakes over polling; the session id.
    func handshake() async throws -> String {
        let reply = try await get("")
        guard reply.status == 200, reply.text.hasPrefix("0"),
            let sid = try JSON.parseStrict(Array(reply.text.utf8.dropFirst()))["sid"]?.stringValue
        else { throw FixtureError("handshake answered \(reply.status): \(reply.text)") }
        return sid
    }

    func get(_ sid: String) async throws -> RawHTTPClient.Reply {
        try await RawHTTPClient.request(port: port, "GET", "/socket.io/?EIO=4&transport=polling" + (sid.isEmpty ? "" : "&sid=\(sid)"))
    }

    func post(_ sid: String, _ packets: [String]) async throws -> RawHTTPClient.Reply {
        try await RawHTTPClient.request(
            port: port, "POST", "/socket.io/?EIO=4&transport=polling&sid=\(sid)", headers: ["Content-Type": "text/plain;charset=UTF-8"],
            body: Array(packets.joined(separator: "\u{1E}").utf8))
    }

    /// The packets of the next poll.
    func poll(_ sid: String) async throws -> [String] {
        let reply = try await get(sid)
        guard reply.status == 200 else { throw FixtureError("poll answered \(reply.status): \(reply.text)") }
        return reply.text.split(separator: "\u{1E}").map(String.init)
    }

    /// Polls until a packet that is not a ping or noop arrives (answering pings), at most `tries` polls.
    func next(_ sid: String, tries: Int = 20) async throws -> [String] {
        for _ in 0..<tries {
            let packets = try await poll(sid).filter { $0 != "6" }
            if packets.contains("2") { _ = try await post(sid, ["3"]) }
            let rest = packets.filter { $0 != "2" }
            if !rest.isEmpty { return rest }
        }
        return []
    }

    /// Handshakes and joins `namespace` with `token` (when given); the session id and the CONNECT's answer.
    func join(_ namespace: String, token: String? = nil) async throws -> (String, String) {
        let sid = try await handshake()
        let auth = token.map { "{\"token\":\"\($0)\"}" } ?? ""
        let prefix = namespace == "/" ? "" : namespace + ","
        _ = try await post(sid, ["40" + prefix + auth])
        return (sid, try await next(sid).first ?? "")
    }

    func stop() async {
        await server.stop()
    }
}

/// Signs in `user-<id>` tokens as plain users (role `user`, `requests:read` only).
struct UserTokens: CredentialVerifier {
    func principal(for credential: Credential) -> Principal? {
        guard credential.value.hasPrefix("user-") else { return nil }
        let id = String(credential.value.dropFirst(5))
        return .user(UserIdentity(id: id, username: id, role: "user", permissions: ["requests:read"], via: .session(id: "s-" + id)))
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
