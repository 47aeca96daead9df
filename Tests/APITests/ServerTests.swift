import Core
import Testing

@testable import HTTP
@testable import Routes
import TestSupport

struct Boom: Error, CustomStringConvertible {
    var description: String { "secret internal detail /var/lib/x" }
}

/// The real server on port 0: routing, the error shape for every status, headers, keep-alive.
@Suite(.serialized)
struct ServerTests {
    static let routes: [Route] =
        HealthRoutes(readiness: Readiness()).routes + [
            .get("/api/items/{id}", .authenticated, RouteDoc("Item", tag: "items")) { request in
                .json(["id": .string(request.parameter("id")), "q": JSON(request.query["q"])])
            },
            .post("/api/items", .authenticated, RouteDoc("Create", tag: "items")) { request in
                let body = try request.json()
                guard body["name"]?.stringValue != nil else { throw HTTPError.badRequest("Missing field 'name'") }
                return .success(["name": body["name"] ?? nil], status: 201)
            },
            .get("/api/boom", .public, RouteDoc("Throws", tag: "test")) { _ in throw Boom() },
            .get("/api/extra", .public, RouteDoc("Extra members", tag: "test")) { _ in
                throw HTTPError(status: 409, code: "CONFLICT", message: "Taken", extra: ["set-token": "no"])
            },
            .get("/api/slow", .public, RouteDoc("Slow", tag: "test")) { _ in
                try await Task.sleep(for: .seconds(5))
                return .text("late")
            },
        ]

    static func start(_ configure: (inout ServerConfiguration) -> Void = { _ in }) throws -> TestServer {
        try TestServer(routes: routes, configure: configure)
    }

    static func errorBody(_ reply: RawHTTPClient.Reply) throws -> [String: JSON] {
        let body = try #require(try JSON.decode(reply.body).objectValue)
        #expect(body["success"] == false)
        #expect(body["request_id"]?.stringValue == reply.header("X-Request-ID"))
        #expect(body["error"]?.stringValue?.isEmpty == false)
        return body
    }

    @Test func healthAnswersWithCommonHeaders() async throws {
        let server = try Self.start()
        defer { Task { await server.server.stop() } }
        let reply = try await server.request("GET", "/api/health")
        #expect(reply.status == 200)
        let body = try JSON.decode(reply.body)
        #expect(body["status"] == "healthy")
        #expect(body["version"]?.stringValue == ApplianceVersion.current)
        #expect(reply.header("X-Content-Type-Options") == "nosniff")
        #expect(reply.header("X-Frame-Options") == "DENY")
        #expect(reply.header("Referrer-Policy") == "no-referrer")
        #expect(reply.header("X-Request-ID")?.isEmpty == false)
        for path in ["/livez", "/healthz", "/readyz"] {
            let plain = try await server.request("GET", path)
            #expect(plain.status == (path == "/readyz" ? 503 : 200))
            if path != "/readyz" { #expect(plain.text == "ok") }
        }
        let health = try JSON.decode(try await server.request("GET", "/health").body)
        #expect(health["status"] == "ok")
        #expect(health["timestamp"]?.stringValue?.hasSuffix("Z") == true)
    }

    /// The access log's time: milliseconds with three decimals, from microseconds.
    @Test(arguments: [(0, "0.000"), (7, "0.007"), (42, "0.042"), (999, "0.999"), (1_500, "1.500"), (123_456, "123.456")])
    func accessLogMilliseconds(micros: Int, text: String) {
        #expect(PendingRequest.millisecondsText(micros) == text)
    }

    @Test func headAndOptions() async throws {
        let server = try Self.start()
        defer { Task { await server.server.stop() } }
        let head = try await server.request("HEAD", "/api/health")
        #expect(head.status == 200)
        #expect(head.body.isEmpty)
        #expect(head.header("Content-Length") == "38" || head.header("Content-Length") != nil)
        let options = try await server.request("OPTIONS", "/api/health")
        #expect(options.status == 204)
        #expect(options.header("Allow") == "GET, HEAD, OPTIONS")
    }

    @Test func keepAliveServesTwoRequestsOnOneConnection() async throws {
        let server = try Self.start()
        defer { Task { await server.server.stop() } }
        let client = try await server.client()
        let first = try await client.request("GET", "/api/health")
        let second = try await client.request("GET", "/api/items/7?q=x", headers: server.auth)
        #expect(first.status == 200)
        #expect(first.header("Connection")?.lowercased() != "close")
        #expect(second.status == 200)
        #expect(try JSON.decode(second.body) == ["id": "7", "q": "x"])
    }

    @Test func requestIDIsTakenFromTheClientWhenSane() async throws {
        let server = try Self.start()
        defer { Task { await server.server.stop() } }
        #expect(try await server.request("GET", "/api/health", headers: ["X-Request-ID": "abc-123"]).header("X-Request-ID") == "abc-123")
        #expect(try await server.request("GET", "/api/health", headers: ["X-Correlation-ID": "corr.9"]).header("X-Request-ID") == "corr.9")
        let insane = try await server.request("GET", "/api/health", headers: ["X-Request-ID": "bad id<script>"])
        #expect(insane.header("X-Request-ID") != "bad id<script>")
    }

    @Test(arguments: [
        ("GET", "/nope", 404, "NOT_FOUND"),
        ("DELETE", "/api/health", 405, "METHOD_NOT_ALLOWED"),
        ("GET", "/api/items/1", 401, "UNAUTHORIZED"),
        ("GET", "/api/boom", 500, "SERVER_ERROR"),
        ("GET", "/api/extra", 409, "CONFLICT"),
    ])
    func errorShape(method: String, path: String, status: Int, code: String) async throws {
        let server = try Self.start()
        defer { Task { await server.server.stop() } }
        let reply = try await server.request(method, path)
        #expect(reply.status == status)
        let body = try Self.errorBody(reply)
        #expect(body["code"]?.stringValue == code)
        #expect(reply.header("X-Content-Type-Options") == "nosniff")
        if status == 405 { #expect(reply.header("Allow") == "GET, HEAD, OPTIONS") }
        if status == 401 { #expect(reply.header("WWW-Authenticate") == "Bearer") }
        if status == 500 { #expect(!reply.text.contains("secret internal detail")) }
        if status == 409 { #expect(body["set-token"] == "no") }
    }

    @Test func badJSONIs400AndGoodJSONIs201() async throws {
        let server = try Self.start()
        defer { Task { await server.server.stop() } }
        let bad = try await server.request("POST", "/api/items", headers: server.auth, body: Array("{nope".utf8))
        #expect(bad.status == 400)
        #expect(try Self.errorBody(bad)["code"] == "VALIDATION_ERROR")
        let good = try await server.request("POST", "/api/items", headers: server.auth, body: Array(#"{"name":"a"}"#.utf8))
        #expect(good.status == 201)
        #expect(try JSON.decode(good.body) == ["success": true, "name": "a"])
    }

    @Test func oversizeBodyIs413OnContentLengthAndWhileStreaming() async throws {
        let server = try Self.start { $0.maxBodyBytes = 1000 }
        defer { Task { await server.server.stop() } }
        let declared = try await server.request("POST", "/api/items", headers: server.auth, body: [UInt8](repeating: 32, count: 2000))
        #expect(declared.status == 413)
        #expect(try Self.errorBody(declared)["code"] == "PAYLOAD_TOO_LARGE")

        let client = try await server.client()
        let chunk = String(repeating: "x", count: 600)
        let chunked =
            "POST /api/items HTTP/1.1\r\nHost: x\r\nX-Auth-Token: \(TestServer.token)\r\nContent-Type: application/json\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n"
            + "258\r\n\(chunk)\r\n258\r\n\(chunk)\r\n0\r\n\r\n"
        try await client.send(chunked)
        let streamed = try await client.readReply()
        #expect(streamed.status == 413)
        #expect(try Self.errorBody(streamed)["code"] == "PAYLOAD_TOO_LARGE")
    }

    @Test func oversizeHeaderIs431() async throws {
        let server = try Self.start { $0.maxHeaderBytes = 2048 }
        defer { Task { await server.server.stop() } }
        let reply = try await server.request("GET", "/api/health", headers: ["X-Big": String(repeating: "a", count: 4000)])
        #expect(reply.status == 431)
        #expect(try Self.errorBody(reply)["code"] == "HEADERS_TOO_LARGE")
        #expect(try await server.request("GET", "/api/health").status == 200)
    }

    @Test func slowHandlerGets504AfterTheTimeLimitWhileHealthAnswers() async throws {
        let server = try Self.start { $0.handlerTimeLimitSeconds = 0.5 }
        defer { Task { await server.server.stop() } }
        let slow = try await server.client()
        try await slow.send("GET /api/slow HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(try await server.request("GET", "/api/health").status == 200)
        let reply = try await slow.readReply()
        #expect(reply.status == 504)
        #expect(try Self.errorBody(reply)["code"] == "HANDLER_TIMEOUT")
    }
}

/// A body streamed far past the limit is cut off instead of being read forever.
@Suite(.serialized)
struct EndlessBodyTests {
    @Test func aClientStreamingFarPastTheLimitIsDisconnected() async throws {
        let server = try TestServer(routes: ServerTests.routes) { $0.maxBodyBytes = 1000 }
        defer { Task { await server.server.stop() } }
        let client = try await server.client()
        try await client.send("POST /api/items HTTP/1.1\r\nHost: x\r\nX-Auth-Token: \(TestServer.token)\r\nContent-Type: application/json\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n")
        let chunk = "10000\r\n" + String(repeating: "y", count: 0x10000) + "\r\n"
        var sent = 0
        do {
            while sent < 16 << 20 {
                try await client.send(chunk)
                sent += 0x10000
            }
        } catch {
            // The server closed the connection mid-stream, as it should.
        }
        #expect(sent < 16 << 20)
        #expect(try await server.request("GET", "/api/health").status == 200)
    }
}
