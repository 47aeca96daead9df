import Core
import HTTP
import SocketIO
import Store
import TestSupport

@testable import Downloads

/// The download routes and Socket.IO on a real HTTP server on 127.0.0.1 over a real state database
/// in a temporary directory, with downloads going to `folder` (the allowed root besides `library`).
/// The appliance token is the admin; `user-<id>` tokens sign in plain users holding `downloads:*`.
final class DownloadFixture {
    static let token = "downloads-test-token-0123456789"
    let directory = TemporaryDirectory("downloads")
    let database: Database
    let service: DownloadService
    let socketIO: SocketIOServer
    let server: HTTPServer
    var port: UInt16 { server.port }
    var folder: String { directory.path + "/downloads" }
    var library: String { directory.path + "/library" }

    init(perHour: Int = 5, maxConcurrent: Int = 2, minFreeBytes: UInt64 = 0, ytDlpPath: String = "") throws {
        database = try Database.openState(root: directory.path + "/root")
        let (folder, library) = (directory.path + "/downloads", directory.path + "/library")
        try FileSystem.makeDirectories(library)
        let settings = DownloadSettings(
            folder: folder, ytDlpPath: ytDlpPath, maxConcurrent: maxConcurrent, perHour: perHour, minFreeBytes: minFreeBytes,
            timeoutSeconds: 600, nice: 10, idleIO: true, libraryRoots: [library])
        service = DownloadService(database: database) { settings }
        var configuration = ServerConfiguration()
        configuration.listenAddress = "127.0.0.1"
        configuration.port = 0
        configuration.accessLog = .off
        configuration.connectionTimeoutSeconds = 120
        configuration.headTimeoutSeconds = 120
        configuration.handlerTimeLimitSeconds = 120
        let gate = AuthGate(verifiers: [ApplianceTokenVerifier(token: Self.token), DownloadUsers()], setup: SetupFlag(complete: true))
        var limits = SocketIOLimits()
        limits.pollWait = .seconds(2)
        socketIO = SocketIOServer(gate: gate, limits: limits)
        service.emitProgress(to: socketIO)
        server = HTTPServer(
            router: Router(DownloadRoutes(service: service).routes + SocketIORoutes(server: socketIO).routes), gate: gate,
            configuration: configuration)
        try server.start()
        database.poolPolicy = .refuse
    }

    func stop() async {
        _ = try? await service.removeAll()
        await server.stop()
    }

    // MARK: Requests

    func request(_ method: String, _ path: String, token: String = DownloadFixture.token, body: JSON? = nil) async throws -> RawHTTPClient.Reply {
        var headers = ["Authorization": "Bearer \(token)"]
        if body != nil { headers["Content-Type"] = "application/json" }
        return try await RawHTTPClient.request(port: port, method, path, headers: headers, body: body?.encoded() ?? [])
    }

    func json(_ reply: RawHTTPClient.Reply) throws -> JSON {
        try JSON.parseStrict(reply.body)
    }

    /// Queues a download of `url`; the reply.
    func download(_ url: String, token: String = DownloadFixture.token, extra: [String: JSON] = [:]) async throws -> RawHTTPClient.Reply {
        var body: [String: JSON] = ["url": .string(url)]
        body.merge(extra) { $1 }
        return try await request("POST", "/api/v1/youtube/download", token: token, body: .object(body))
    }

    /// Polls the download's detail until `done` holds of it, at most 60 s; the last detail.
    func waitFor(_ id: String, token: String = DownloadFixture.token, _ done: (JSON) -> Bool) async throws -> JSON {
        var last: JSON = .null
        for _ in 0..<240 {
            last = try json(try await request("GET", "/api/v1/youtube/downloads/\(id)", token: token))["data"] ?? .null
            if done(last) { return last }
            try await Task.sleep(for: .milliseconds(250))
        }
        return last
    }

    /// Whether `condition` came to hold within 60 s (asked every 250 ms).
    func eventually(_ condition: @escaping @Sendable () -> Bool) async throws -> Bool {
        for _ in 0..<240 {
            if try await offPool(condition) { return true }
            try await Task.sleep(for: .milliseconds(250))
        }
        return false
    }

    // MARK: Socket.IO over long polling

    /// Handshakes and joins `namespace` with `token`; the session id, once the join is acknowledged.
    func join(_ namespace: String, token: String = DownloadFixture.token) async throws -> String {
        let open = try await RawHTTPClient.request(port: port, "GET", "/socket.io/?EIO=4&transport=polling")
        guard open.status == 200, open.text.hasPrefix("0"), let sid = try JSON.parseStrict(Array(open.text.utf8.dropFirst()))["sid"]?.stringValue
        else { throw FixtureError("handshake answered \(open.status): \(open.text)") }
        _ = try await post(sid, "40\(namespace),{\"token\":\"\(token)\"}")
        let answer = try await poll(sid)
        guard answer.contains(where: { $0.hasPrefix("40\(namespace),") && $0.contains("sid") }) else {
            throw FixtureError("joining \(namespace) answered \(answer)")
        }
        return sid
    }

    func post(_ sid: String, _ packet: String) async throws -> RawHTTPClient.Reply {
        try await RawHTTPClient.request(
            port: port, "POST", "/socket.io/?EIO=4&transport=polling&sid=\(sid)", headers: ["Content-Type": "text/plain;charset=UTF-8"],
            body: Array(packet.utf8))
    }

    /// The packets of one poll (pings answered).
    func poll(_ sid: String) async throws -> [String] {
        let reply = try await RawHTTPClient.request(port: port, "GET", "/socket.io/?EIO=4&transport=polling&sid=\(sid)")
        guard reply.status == 200 else { throw FixtureError("poll answered \(reply.status): \(reply.text)") }
        let packets = reply.text.split(separator: "\u{1E}").map(String.init)
        if packets.contains("2") { _ = try await post(sid, "3") }
        return packets.filter { $0 != "2" && $0 != "6" }
    }

    /// The `download:progress` events a session gets until one has a final status (at most 60 polls).
    func progressEvents(_ sid: String, namespace: String) async throws -> [JSON] {
        var events: [JSON] = []
        for _ in 0..<60 {
            for packet in try await poll(sid) where packet.hasPrefix("42\(namespace),") {
                let payload = try JSON.parseStrict(Array(packet.utf8.dropFirst(3 + namespace.utf8.count))).arrayValue ?? []
                guard payload.count == 2, payload[0] == "download:progress" else { continue }
                let data = payload[1]
                events.append(data)
                if ["completed", "failed", "cancelled"].contains(data["status"]?.stringValue ?? "") { return events }
            }
        }
        return events
    }
}

/// Signs in `user-<id>` tokens as plain users holding `downloads:read` and `downloads:write`.
struct DownloadUsers: CredentialVerifier {
    func principal(for credential: Credential) -> Principal? {
        guard credential.value.hasPrefix("user-") else { return nil }
        let id = String(credential.value.dropFirst(5))
        return .user(
            UserIdentity(id: id, username: id, role: "user", permissions: ["downloads:read", "downloads:write"], via: .session(id: "s-" + id)))
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
