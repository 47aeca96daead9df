import Core
import Synchronization
import Testing

@testable import HTTP
@testable import Routes
import TestSupport

/// Issue 18's pre-setup takeover: a page the owner visits must not drive the box through their browser
/// (JSON routes took `text/plain` and forms; no Origin or Host check), and secrets are never cached.
@Suite(.serialized)
struct BrowserPolicyTests {
    static let routes: [Route] = [
        .post("/api/items", .authenticated, RouteDoc("Create", tag: "items")) { request in
            .success(["got": try request.optionalJSON()], status: 201)
        },
        .post("/api/setup/thing", .setup, RouteDoc("Setup step", tag: "setup")) { _ in .success() },
        .get("/api/setup/secret", .setup, RouteDoc("A secret before setup", tag: "setup")) { _ in .json(["token": "s3cret"]) },
        .get("/api/private", .authenticated, RouteDoc("Private", tag: "items")) { _ in .json(["ok": true]) },
        .delete("/api/private", .admin, RouteDoc("Private delete", tag: "items")) { _ in .success() },
        .get("/api/open", .public, RouteDoc("Open", tag: "items")) { _ in .json(["ok": true]) },
        .post("/api/open", .authenticated, RouteDoc("Open post", tag: "items")) { _ in .success() },
        Route(
            "GET", "/ws", access: .authenticated, doc: RouteDoc("Echo", tag: "ws"),
            handler: .webSocket { _, socket in
                while let message = await socket.receive() { socket.send(text: message) }
            }),
    ]

    /// One raw request with exactly the headers given (plus Content-Length), so Host and Origin are ours.
    static func raw(
        _ server: TestServer, _ method: String, _ path: String, _ headers: [(String, String)], body: String = ""
    ) async throws -> RawHTTPClient.Reply {
        let client = try await server.client()
        var text = "\(method) \(path) HTTP/1.1\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        text += "Content-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n" + body
        try await client.send(text)
        return try await client.readReply(method: method)
    }

    static func code(_ reply: RawHTTPClient.Reply) -> String? {
        (try? JSON.decode(reply.body))?["code"]?.stringValue
    }

    @Test(
        arguments: [
            ("text/plain", #"{"a":1}"#, 415),
            ("application/x-www-form-urlencoded", "a=1", 415),
            ("multipart/form-data; boundary=x", "--x--", 415),
            (nil, #"{"a":1}"#, 415),
            ("application/json; charset=utf-16", #"{"a":1}"#, 415),
            ("text/plain", "", 415),
            ("application/json", #"{"a":1}"#, 201),
            ("Application/JSON; charset=UTF-8", #"{"a":1}"#, 201),
            (nil, "", 201),
        ] as [(String?, String, Int)])
    func jsonRoutesTakeOnlyJSON(contentType: String?, body: String, status: Int) async throws {
        let server = try TestServer(routes: Self.routes)
        defer { Task { await server.server.stop() } }
        var headers = [("Host", "127.0.0.1"), ("X-Auth-Token", TestServer.token)]
        if let contentType { headers.append(("Content-Type", contentType)) }
        let reply = try await Self.raw(server, "POST", "/api/items", headers, body: body)
        #expect(reply.status == status)
        if status == 415 { #expect(Self.code(reply) == "UNSUPPORTED_MEDIA_TYPE") }
    }

    @Test(
        arguments: [
            ([("Origin", "http://evil.example")], 403),
            ([("Origin", "null")], 403),
            ([("Origin", "http://box.local:8080")], 403),
            ([("Origin", "file://")], 403),
            ([("Sec-Fetch-Site", "cross-site")], 403),
            ([("Sec-Fetch-Site", "same-site")], 403),
            ([("Origin", "http://box.local"), ("Sec-Fetch-Site", "same-origin")], 201),
            ([("Origin", "HTTP://BOX.LOCAL:80")], 201),
            ([("Sec-Fetch-Site", "none")], 201),
            ([], 201),
        ] as [([(String, String)], Int)])
    func stateChangesFromAnotherOriginAreRefused(extra: [(String, String)], status: Int) async throws {
        let server = try TestServer(routes: Self.routes)
        defer { Task { await server.server.stop() } }
        let headers = [("Host", "box.local"), ("X-Auth-Token", TestServer.token), ("Content-Type", "application/json")] + extra
        let reply = try await Self.raw(server, "POST", "/api/items", headers, body: "{}")
        #expect(reply.status == status)
        if status == 403 { #expect(Self.code(reply) == "FORBIDDEN") }
    }

    @Test func readsAndUpgradesFollowTheirOwnRules() async throws {
        let server = try TestServer(routes: Self.routes)
        defer { Task { await server.server.stop() } }
        // A cross-site GET changes nothing: it is answered (the browser keeps the answer from the page).
        let read = try await Self.raw(
            server, "GET", "/api/private", [("Host", "box"), ("X-Auth-Token", TestServer.token), ("Origin", "http://evil.example")])
        #expect(read.status == 200)
        // A WebSocket from another origin is refused before the handshake (cross-site WebSocket hijacking).
        let upgrade = try await Self.raw(
            server, "GET", "/ws",
            [
                ("Host", "box"), ("Origin", "http://evil.example"), ("Upgrade", "websocket"), ("Connection", "Upgrade"),
                ("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="), ("Sec-WebSocket-Version", "13"), ("X-Auth-Token", TestServer.token),
            ])
        #expect(upgrade.status == 403)
    }

    @Test(
        arguments: [
            ("evil.example", 403), ("evil.example:8080", 403), ("rebind.evil.example.", 403), ("box.local", 200),
            ("127.0.0.1:8080", 200), ("[::1]:8080", 200), ("192.168.1.20", 200), ("localhost", 200),
            ("media.home.arpa", 200), ("tv.lan", 200), ("other.lan", 403), ("bad host", 403), ("[::1", 403),
        ] as [(String, Int)])
    func setupRoutesAnswerOnlyForTheBoxsNamesBeforeSetup(host: String, status: Int) async throws {
        let hosts = HostAllowList(names: ["media.home.arpa", "*.lan", "tv.lan"], hostname: "appliance")
        hosts.replace(["media.home.arpa", "tv.lan"])
        let server = try TestServer(routes: Self.routes, setupComplete: false, hosts: hosts)
        defer { Task { await server.server.stop() } }
        let reply = try await Self.raw(server, "GET", "/api/setup/secret", [("Host", host)])
        #expect(reply.status == status)
        if status == 200 { #expect(reply.header("Cache-Control") == "no-store") }
        // The appliance token opens them whatever the host (a rebinding page does not have it).
        let withToken = try await Self.raw(server, "GET", "/api/setup/secret", [("Host", host), ("X-Auth-Token", TestServer.token)])
        #expect(withToken.status == 200)
    }

    @Test func wildcardsAndTheHostnameAreAllowed() {
        let hosts = HostAllowList(names: ["*.example.com"], hostname: "Appliance")
        #expect(hosts.allows("appliance:80"))
        #expect(hosts.allows("a.example.com"))
        #expect(!hosts.allows("example.com"))
        #expect(!hosts.allows("badexample.com"))
        #expect(hosts.allows("box.local."))
        #expect(hosts.allows(nil))
        #expect(!hosts.allows(""))
    }

    @Test func optionsNeedsTheCredentialOfTheRoute() async throws {
        let server = try TestServer(routes: Self.routes)
        defer { Task { await server.server.stop() } }
        let anonymous = try await Self.raw(server, "OPTIONS", "/api/private", [("Host", "box")])
        #expect(anonymous.status == 401)
        #expect(anonymous.header("Allow") == nil)
        let signed = try await Self.raw(server, "OPTIONS", "/api/private", [("Host", "box"), ("X-Auth-Token", TestServer.token)])
        #expect(signed.status == 204)
        #expect(signed.header("Allow") == "DELETE, GET, HEAD, OPTIONS" || signed.header("Allow")?.contains("DELETE") == true)
        // A path with a public method stays open to OPTIONS (HAProxy-style pollers).
        #expect(try await Self.raw(server, "OPTIONS", "/api/open", [("Host", "box")]).status == 204)
        #expect(try await Self.raw(server, "OPTIONS", "/", [("Host", "box")]).status == 204)
    }

    @Test func everyHeaderIsSentOnceAndAnswersAreNotCached() async throws {
        let static_ = Route("GET", "/page", access: .public, doc: RouteDoc("Page", tag: "www"), handler: .immediate { _ in
            var response = Response(status: 200, body: Array("<p>".utf8))
            response.headers.set("Content-Type", "text/html")
            response.headers.set("X-Frame-Options", "DENY")
            response.headers.set("X-Content-Type-Options", "nosniff")
            response.headers.set("Cache-Control", "no-cache")
            return response
        })
        let server = try TestServer(routes: Self.routes + [static_])
        defer { Task { await server.server.stop() } }
        let page = try await Self.raw(server, "GET", "/page", [("Host", "box")])
        for name in ["X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy", "Cache-Control", "X-Request-ID"] {
            #expect(page.count(of: name) == 1, "\(name) sent \(page.count(of: name)) times")
        }
        #expect(page.header("Cache-Control") == "no-cache")
        let api = try await Self.raw(server, "GET", "/api/open", [("Host", "box")])
        #expect(api.header("Cache-Control") == "no-store")
        let error = try await Self.raw(server, "GET", "/api/nothing", [("Host", "box")])
        #expect(error.status == 404 && error.header("Cache-Control") == "no-store")
    }

    @Test(
        arguments: [
            #"{"a":1,}"#, #"{"a":1,"a":2}"#, "", #"{"a":NaN}"#,
        ])
    func lenientJSONIsRefused(body: String) async throws {
        let route: Route = .post("/api/strict", .authenticated, RouteDoc("Strict", tag: "items")) { request in
            .success(["got": try request.json()])
        }
        let server = try TestServer(routes: [route])
        defer { Task { await server.server.stop() } }
        let headers = [("Host", "box"), ("X-Auth-Token", TestServer.token), ("Content-Type", "application/json")]
        let reply = try await Self.raw(server, "POST", "/api/strict", headers, body: body)
        #expect(reply.status == 400)
        #expect(Self.code(reply) == "VALIDATION_ERROR")
    }

    @Test func accessLogLinesCannotBeForged() async throws {
        final class Capture: LogSink, @unchecked Sendable {
            let lines = Mutex<[String]>([])
            func receive(_ entry: LogEntry) { lines.withLock { $0.append(entry.message) } }
        }
        let capture = Capture()
        Log.shared.addSink(capture)
        let server = try TestServer(routes: Self.routes) { $0.accessLog = .all }
        defer { Task { await server.server.stop() } }
        let reply = try await Self.raw(server, "GET", "/api/x%0a%3c0%3eforged%0d%0a", [("Host", "box")])
        let id = try #require(reply.header("X-Request-ID"))
        let line = capture.lines.withLock { $0.first { $0.contains(id) } } ?? ""
        #expect(!line.contains("\n") && !line.contains("\r"))
        #expect(line.contains("\\n<0>forged"))
    }
}
