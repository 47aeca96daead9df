import Core
import Testing

@testable import HTTP
@testable import Routes
import TestSupport

/// Every non-public route of the table answers 401 without a credential and with a wrong one.
@Suite(.serialized)
struct SecurityTests {
    /// The table `serve` builds (health + OpenAPI) plus one route of every other access level.
    static var table: [Route] {
        let base =
            HealthRoutes(readiness: Readiness()).routes + [
                .get("/api/settings", .authenticated, RouteDoc("Settings", tag: "settings")) { _ in .success() },
                .put("/api/settings/{key}", .admin, RouteDoc("Set", tag: "settings")) { _ in .success() },
                .post("/api/setup/step", .setup, RouteDoc("Setup step", tag: "setup")) { _ in .success() },
                Route("GET", "/api/ws", access: .authenticated, doc: RouteDoc("Events", tag: "ws"), handler: .webSocket { _, _ in }),
            ]
        return base + OpenAPIRoutes(documenting: base).routes
    }

    static let server: TestServer? = try? TestServer(routes: table)

    static var protected: [Route] { table.filter { $0.access != .public } }

    @Test func everyNonPublicRouteIsRefusedWithoutAValidCredential() async throws {
        let server = try #require(Self.server)
        #expect(Self.protected.count >= 5)
        let wrong: [[String: String]] = [
            [:], ["X-Auth-Token": "wrong"], ["Authorization": "Bearer wrong"], ["Authorization": "Basic \(TestServer.token)"],
            ["X-Auth-Token": TestServer.token + "x"], ["X-Auth-Token": String(TestServer.token.dropLast())],
        ]
        for route in Self.protected {
            let path = route.pattern.replacing("{key}", with: "plex_url")
            for headers in wrong {
                let reply = try await server.request(route.method, path, headers: headers)
                #expect(reply.status == 401, "\(route.method) \(path) with \(headers)")
                let body = try JSON.decode(reply.body)
                #expect(body["code"] == "UNAUTHORIZED")
                #expect(body["success"] == false)
            }
        }
    }

    @Test func theTokenOpensEveryRoute() async throws {
        let server = try #require(Self.server)
        for route in Self.protected where route.pattern != "/api/ws" {
            let path = route.pattern.replacing("{key}", with: "plex_url")
            for headers in [["X-Auth-Token": TestServer.token], ["Authorization": "Bearer \(TestServer.token)"]] {
                let reply = try await server.request(route.method, path, headers: headers)
                #expect(reply.status == 200, "\(route.method) \(path)")
            }
        }
    }

    @Test func setupRoutesAreOpenUntilSetupCompletes() async throws {
        let open = try TestServer(routes: Self.table, setupComplete: false)
        defer { Task { await open.server.stop() } }
        #expect(try await open.request("POST", "/api/setup/step").status == 200)
        #expect(try await open.request("GET", "/api/settings").status == 401)
    }

    @Test func publicRoutesAreTheShortList() {
        let publicPaths = Set(Self.table.filter { $0.access == .public }.map(\.pattern))
        #expect(publicPaths == ["/api/health", "/health", "/livez", "/healthz", "/readyz"])
    }

    @Test(
        arguments: [
            (["X-Auth-Token": "abc"], "abc"),
            (["Authorization": "Bearer abc"], "abc"),
            (["Authorization": "bearer   abc "], "abc"),
            (["Authorization": "Basic abc"], nil),
            (["Authorization": "Bearer"], nil),
            ([:], nil),
        ] as [([String: String], String?)])
    func credentialExtraction(headers: [String: String], expected: String?) {
        #expect(Credential.presented(in: Headers(headers.map { ($0.key, $0.value) }), queryToken: nil)?.value == expected)
    }

    @Test func adminRoutesRefuseNonAdminUsers() throws {
        struct UserKeys: CredentialVerifier {
            static let identity = UserIdentity(id: "u1", username: "u", role: "user", permissions: ["jobs:read"], via: .apiKey(id: "k1"))
            func principal(for credential: Credential) -> Principal? {
                credential.kind == .apiKey && credential.value == "user-key" ? .user(Self.identity) : nil
            }
        }
        let gate = AuthGate(verifiers: [ApplianceTokenVerifier(token: "t0ken"), UserKeys()], setup: SetupFlag(complete: true))
        let user = Headers([("X-API-Key", "user-key")])
        #expect(try gate.authorize(.authenticated, headers: user) == .user(UserKeys.identity))
        #expect(try gate.authorize(.permission("jobs:read"), headers: user) == .user(UserKeys.identity))
        #expect(throws: HTTPError.self) { try gate.authorize(.permission("jobs:write"), headers: user) }
        #expect(throws: HTTPError.self) { try gate.authorize(.admin, headers: user) }
        // A user key in the appliance token's header is not the token, and the token is no API key.
        #expect(throws: HTTPError.self) { try gate.authorize(.authenticated, headers: Headers([("X-Auth-Token", "user-key")])) }
        #expect(throws: HTTPError.self) { try gate.authorize(.authenticated, headers: Headers([("X-API-Key", "t0ken")])) }
        #expect(try gate.authorize(.admin, headers: Headers([("X-Auth-Token", "t0ken")])) == .applianceToken)
    }
}
