import Accounts
import Core
import Crypto
import Store
import Testing
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Every route of the running daemon's table (its `/api/openapi.json`) against every kind of caller:
/// no credential, a guest, a user, a moderator, an admin, an admin's API key scoped to `read` only, and
/// the appliance token. What each may do follows from the route's declared access alone (`x-access`):
/// a caller the table admits is never refused by the gate (no 401, no gate 403), one it does not admit
/// always is, and no call answers 5xx. Bodies are left out, so handlers stop at their validation.
@Suite(.serialized) struct RoleMatrixTests {
    static let token = "matrix-appliance-token-0123456789"
    static let password = "matrix password 1"

    /// A caller: its headers, and what the table should let it through.
    struct Caller {
        let name: String
        let headers: [String: String]
        let admits: (_ access: String) -> Bool
        /// A session caller's role: after a call that ends its session it signs in again.
        var role: String? = nil
    }

    @Test(.enabled(if: DaemonProcess.available, "needs the built daemon (swift build)"))
    func everyRouteAdmitsExactlyWhomItsAccessNames() async throws {
        let root = makeTempDirectory("matrix")
        defer { _ = "rm -rf '\(root)'".withCString { system($0) } }
        let keyValue = try Self.prepare(root: root)
        let daemon = try DaemonProcess(
            ["serve", "--root", root, "--listen", "127.0.0.1", "--port", "0"],
            environment: [
                "WEB_AUTH_TOKEN": Self.token, "APPLIANCED_AUTH_LOGIN_ATTEMPTS": "1000",
                // Upstreams stay on this machine: plex.tv is a closed loopback port.
                "APPLIANCED_PLEXTV_BASE_URL": "http://127.0.0.1:9",
            ], logPath: root + "/daemon.log")
        defer { daemon.signal(SIGTERM) }
        let port = try #require(await daemon.port(), "the daemon did not start: \(daemon.log)")

        // The monitoring routes answer 503 until the sampler's first sample (a second after start).
        for _ in 0..<100 {
            let metrics = try await RawHTTPClient.request(port: port, "GET", "/api/v1/metrics/current", headers: ["X-Auth-Token": Self.token])
            if metrics.status == 200 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        var callers = [Caller(name: "nobody", headers: [:]) { $0 == "public" }]
        let grants = try Self.grantsByRole(root: root)
        var issued: [String] = []
        for role in Role.builtIn {
            let access = try await Self.login(port: port, role: role)
            issued.append(access)
            let held = grants[role] ?? []
            callers.append(Caller(name: role, headers: ["Authorization": "Bearer \(access)"], admits: { Self.admits($0, role: role, held: held) }, role: role))
        }
        // An admin's key scoped to read: every read permission, no write, not the admin role's routes.
        let readOnly = Set(Permission.catalogue.filter { $0.action == "read" }.map(\.description))
        callers.append(Caller(name: "admin key scoped read", headers: ["X-API-Key": keyValue]) { Self.admits($0, role: "key", held: readOnly) })
        callers.append(Caller(name: "appliance token", headers: ["X-Auth-Token": Self.token]) { _ in true })

        let document = try JSON.parseStrict(
            try await RawHTTPClient.request(port: port, "GET", "/api/openapi.json", headers: ["X-Auth-Token": Self.token]).body)
        var operations: [(method: String, path: String, access: String)] = []
        for (path, methods) in document["paths"]?.objectValue ?? [:] {
            for (method, operation) in methods.objectValue ?? [:] {
                operations.append((method.uppercased(), path, operation["x-access"]?.stringValue ?? "?"))
            }
        }
        #expect(operations.count > 80)
        // Calls that end the caller's own session go last.
        operations.sort { a, b in
            let (endsA, endsB) = (Self.endsSession(a.method, a.path), Self.endsSession(b.method, b.path))
            return endsA != endsB ? !endsA : (a.path, a.method) < (b.path, b.method)
        }
        var checked = 0
        for caller in callers {
            var credential = caller.headers
            for operation in operations where !Self.skipped(operation.method, operation.path) {
                let path = operation.path.replacing(/\{[^}]+\}/) { _ in "matrix-no-such-id" }
                var headers = credential
                if operation.method != "GET" && operation.method != "HEAD" { headers["Content-Type"] = "application/json" }
                let reply = try await RawHTTPClient.request(port: port, operation.method, path, headers: headers)
                let name = "\(caller.name): \(operation.method) \(operation.path) (\(operation.access))"
                #expect(Self.isHonest(reply), "\(name) answered \(reply.status): \(reply.text)")
                let refusedByGate = reply.status == 401 || (reply.status == 403 && Self.isGateRefusal(reply.body))
                if caller.admits(operation.access) {
                    #expect(!refusedByGate, "\(name) was refused: \(reply.status) \(reply.text)")
                } else {
                    #expect(refusedByGate, "\(name) was let through: \(reply.status) \(reply.text)")
                }
                checked += 1
                if let role = caller.role, Self.endsSession(operation.method, operation.path) {
                    let access = try await Self.login(port: port, role: role)
                    issued.append(access)
                    credential = ["Authorization": "Bearer \(access)"]
                }
            }
        }
        // No secret the run used reached the log.
        let log = daemon.log
        for secret in [Self.password, Self.token, keyValue] + issued {
            #expect(!log.contains(secret), "a secret is in the daemon's log")
        }
        print("role matrix: \(checked) calls, \(operations.count) operations × \(callers.count) callers")
    }

    /// Signs the role's matrix user in; its access token.
    static func login(port: UInt16, role: String) async throws -> String {
        let login = try await RawHTTPClient.request(
            port: port, "POST", "/api/v1/auth/login", headers: ["Content-Type": "application/json"],
            body: Array(#"{"username":"matrix-\#(role)","password":"\#(password)"}"#.utf8))
        return try #require(try JSON.parseStrict(login.body)["access_token"]?.stringValue, "login \(role): \(login.text)")
    }

    /// Whether a caller holding `held` (concrete permissions, or `*:*`) with `role` passes `access`.
    static func admits(_ access: String, role: String, held: Set<String>) -> Bool {
        switch access {
        case "public", "setup", "authenticated": return true
        case "admin": return role == Role.admin
        default:
            if held.contains("*:*") || held.contains(access) { return true }
            return access.split(separator: ":").first.map { held.contains("\($0):*") } ?? false
        }
    }

    /// No 5xx but the ones that report an upstream (plex.tv is unreachable here, no Plex server is set, the
    /// *arr apps unconfigured) honestly.
    static func isHonest(_ reply: RawHTTPClient.Reply) -> Bool {
        guard reply.status >= 500 else { return true }
        let code = (try? JSON.parseStrict(reply.body))?["code"]?.stringValue ?? ""
        // 001's Plex browsing says 503 PLEX_NOT_CONFIGURED while no Plex server is set (as here), and the
        // integration routes 503 INTEGRATION_NOT_CONFIGURED while their app is not.
        if reply.status == 503 && ["PLEX_NOT_CONFIGURED", "INTEGRATION_NOT_CONFIGURED"].contains(code) { return true }
        return [502, 503, 504].contains(reply.status) && ["PLEX_UNREACHABLE", "UPSTREAM_ERROR"].contains(code)
    }

    /// The gate's own 403s (a missing permission or role), not a handler's.
    static func isGateRefusal(_ body: [UInt8]) -> Bool {
        guard let json = try? JSON.parseStrict(body) else { return false }
        return json["code"]?.stringValue == "FORBIDDEN" && (json["detail"]?.stringValue ?? "").hasPrefix("Needs the ")
    }

    static func endsSession(_ method: String, _ path: String) -> Bool {
        path.contains("logout") || (method == "DELETE" && path.contains("session")) || path.contains("change-password")
    }

    /// WebSocket routes (a plain GET is refused before the gate is asked) and the test route table.
    /// Webhooks are public to the gate but need their source's shared secret (none is configured
    /// here), so every caller gets their own 401; `WebhooksTests` covers them.
    static func skipped(_ method: String, _ path: String) -> Bool {
        path == "/api/ws" || path == "/monitoring" || path.hasSuffix("/ws") || path.hasPrefix("/api/test/")
            || path.hasPrefix("/api/webhooks/") || path.hasPrefix("/api/v1/webhooks/")
    }

    /// A state database with setup complete, one user per built-in role and an admin API key scoped `read`.
    static func prepare(root: String) throws -> String {
        let database = try Database.openState(root: root)
        try KeyValueStore(database: database).set(StateKey.setupComplete, "true")
        let hash = try Crypto.hashPassword(password, memoryKiB: 8, iterations: 1)
        var admin: User?
        for role in Role.builtIn {
            let user = try UserStore(database: database).create(
                NewUser(username: "matrix-\(role)", email: "matrix-\(role)@example.com", passwordHash: hash, roles: [role]))
            if role == Role.admin { admin = user }
        }
        return try APIKeyStore(database: database).create(userID: try #require(admin).id, name: "matrix", scopes: ["read"]).plaintext
    }

    /// The concrete permissions each built-in role holds, as the gate sees them.
    static func grantsByRole(root: String) throws -> [String: Set<String>] {
        let database = try Database.openState(root: root)
        var grants: [String: Set<String>] = [:]
        for role in Role.builtIn {
            grants[role] = Permission.concrete(try RoleStore(database: database).permissions(for: role))
        }
        return grants
    }
}
