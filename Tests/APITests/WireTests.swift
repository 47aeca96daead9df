import Core
import Testing

@testable import HTTP
@testable import Routes
import TestSupport

/// One request as raw bytes on a fresh connection: the status the server must answer with, and whether
/// the connection must stay open after it (a refusal whose framing is in doubt closes it, and nothing
/// smuggled behind it is ever answered).
struct WireCase: Sendable, CustomTestStringConvertible {
    let name: String
    let bytes: String
    let status: Int
    let staysOpen: Bool

    init(_ name: String, _ bytes: String, _ status: Int, open staysOpen: Bool) {
        self.name = name
        self.bytes = bytes
        self.status = status
        self.staysOpen = staysOpen
    }

    var testDescription: String { name }
}

/// The engine against RFC 9112, clause by clause, on the real server: every case of the outside probe
/// that found request smuggling under libmicrohttpd, and one or more per rule of the strict parser.
@Suite(.serialized)
struct WireTests {
    static let routes: [Route] =
        HealthRoutes(readiness: Readiness()).routes + [
            .post("/api/echo", .public, RouteDoc("Echo", tag: "test")) { request in
                .json(["length": .int(Int64(request.body.count)), "body": .string(String(decoding: request.body, as: UTF8.self))])
            },
            .get("/api/hits", .public, RouteDoc("Smuggling target", tag: "test")) { _ in .text("smuggled") },
            .get("/api/async", .public, RouteDoc("Async", tag: "test")) { request in
                try await Task.sleep(for: .milliseconds(Int(request.query["ms"] ?? "0") ?? 0))
                return .text(request.query["n"] ?? "")
            },
        ]

    static let smuggled = "GET /api/hits HTTP/1.1\r\nHost: x\r\n\r\n"
    static let json = "Content-Type: application/json\r\n"

    static let cases: [WireCase] = [
        // The outside probe's findings.
        WireCase(
            "bare LF before Content-Length", "POST /api/echo HTTP/1.1\r\nHost: x\r\n\(json)X-A: 1\nContent-Length: 7\r\n\r\n{\"a\":1}", 400,
            open: false),
        WireCase("obs-fold carrying a request", "GET /api/health HTTP/1.1\r\nHost: x\r\n X-Smuggle: \(smuggled)", 400, open: false),
        WireCase(
            "Content-Length with Transfer-Encoding",
            "POST /api/echo HTTP/1.1\r\nHost: x\r\n\(json)Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n\(smuggled)", 400,
            open: false),
        WireCase(
            "two different Content-Length values",
            "POST /api/echo HTTP/1.1\r\nHost: x\r\n\(json)Content-Length: 7\r\nContent-Length: 8\r\n\r\n{\"a\":1}G\(smuggled)", 400,
            open: false),
        WireCase(
            "space before the colon of Transfer-Encoding",
            "POST /api/echo HTTP/1.1\r\nHost: x\r\n\(json)Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n\(smuggled)", 400, open: false),
        WireCase("HTTP/1.1 without Host", "GET /api/health HTTP/1.1\r\n\r\n", 400, open: false),
        WireCase("HTTP/1.1 with two Hosts", "GET /api/health HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, open: false),
        WireCase(
            "unknown transfer coding", "POST /api/echo HTTP/1.1\r\nHost: x\r\n\(json)Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501,
            open: false),
        WireCase(
            "100 KB chunk extension",
            "POST /api/echo HTTP/1.1\r\nHost: x\r\n\(json)Transfer-Encoding: chunked\r\n\r\n7;ext=\(String(repeating: "a", count: 100_000))\r\n",
            400, open: false),
        WireCase("16 KB of headers", "GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "b", count: 16 << 10))\r\n\r\n", 431, open: false),
        // Request line (RFC 9112 §3).
        WireCase("empty lines before the request line", "\r\n\r\nGET /api/health HTTP/1.1\r\nHost: x\r\n\r\n", 200, open: true),
        WireCase("method that is not a token", "GE(T /api/health HTTP/1.1\r\nHost: x\r\n\r\n", 400, open: false),
        WireCase("two spaces after the method", "GET  /api/health HTTP/1.1\r\nHost: x\r\n\r\n", 400, open: false),
        WireCase("request line past its limit", "GET /\(String(repeating: "p", count: 9000)) HTTP/1.1\r\nHost: x\r\n\r\n", 414, open: false),
        WireCase("lower-case version", "GET /api/health http/1.1\r\nHost: x\r\n\r\n", 400, open: false),
        WireCase("HTTP/2.0 in an HTTP/1 request line", "GET /api/health HTTP/2.0\r\nHost: x\r\n\r\n", 505, open: false),
        WireCase("HTTP/1.2 is answered as 1.1", "GET /api/health HTTP/1.2\r\nHost: x\r\n\r\n", 200, open: true),
        WireCase("absolute-form target", "GET http://x/api/health HTTP/1.1\r\nHost: x\r\n\r\n", 200, open: true),
        WireCase("asterisk-form for OPTIONS", "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n", 204, open: true),
        WireCase("asterisk-form for GET", "GET * HTTP/1.1\r\nHost: x\r\n\r\n", 400, open: false),
        WireCase("authority-form target", "GET x:80 HTTP/1.1\r\nHost: x\r\n\r\n", 400, open: false),
        WireCase("escaped NUL in the path", "GET /api/he%00alth HTTP/1.1\r\nHost: x\r\n\r\n", 400, open: false),
        WireCase("bad percent-escape in the path", "GET /api/he%zzalth HTTP/1.1\r\nHost: x\r\n\r\n", 400, open: false),
        WireCase("escaped path is decoded", "GET /api/heal%74h HTTP/1.1\r\nHost: x\r\n\r\n", 200, open: true),
        WireCase("raw byte above 0x7E in the target", "GET /api/h\u{e9}alth HTTP/1.1\r\nHost: x\r\n\r\n", 400, open: false),
        // Fields (RFC 9112 §5, RFC 9110 §5).
        WireCase("bare CR inside a field value", "GET /api/health HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n", 400, open: false),
        WireCase("control character in a field value", "GET /api/health HTTP/1.1\r\nHost: x\r\nX-A: a\u{01}b\r\n\r\n", 400, open: false),
        WireCase("DEL in a field value", "GET /api/health HTTP/1.1\r\nHost: x\r\nX-A: a\u{7F}b\r\n\r\n", 400, open: false),
        WireCase("field name that is not a token", "GET /api/health HTTP/1.1\r\nHost: x\r\nX(A): 1\r\n\r\n", 400, open: false),
        WireCase("field line without a colon", "GET /api/health HTTP/1.1\r\nHost: x\r\nX-A\r\n\r\n", 400, open: false),
        WireCase("empty field name", "GET /api/health HTTP/1.1\r\nHost: x\r\n: 1\r\n\r\n", 400, open: false),
        WireCase(
            "101 header fields", "GET /api/health HTTP/1.1\r\nHost: x\r\n" + (0..<100).map { "X-\($0): 1\r\n" }.joined() + "\r\n", 431,
            open: false),
        WireCase("obs-text in a field value is accepted", "GET /api/health HTTP/1.1\r\nHost: x\r\nX-A: caf\u{e9}\r\n\r\n", 200, open: true),
        // Framing (RFC 9112 §6).
        WireCase("Content-Length list of equal values", "POST /api/echo HTTP/1.1\r\nHost: x\r\n\(json)Content-Length: 7, 7\r\n\r\n{\"a\":1}", 200, open: true),
        WireCase("Content-Length with a sign", "POST /api/echo HTTP/1.1\r\nHost: x\r\n\(json)Content-Length: +7\r\n\r\n{\"a\":1}", 400, open: false),
        WireCase("Content-Length in hex", "POST /api/echo HTTP/1.1\r\nHost: x\r\n\(json)Content-Length: 0x7\r\n\r\n{\"a\":1}", 400, open: false),
        WireCase("empty Content-Length", "POST /api/echo HTTP/1.1\r\nHost: x\r\n\(json)Content-Length: \r\n\r\n", 400, open: false),
        WireCase("Content-Length past the body limit", "POST /api/echo HTTP/1.1\r\nHost: x\r\n\(json)Content-Length: 99999999\r\n\r\n", 413, open: false),
        WireCase(
            "chunked twice", "POST /api/echo HTTP/1.1\r\nHost: x\r\n\(json)Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            400, open: false),
        WireCase(
            "chunked not last", "POST /api/echo HTTP/1.1\r\nHost: x\r\n\(json)Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n", 501,
            open: false),
        WireCase(
            "Transfer-Encoding in HTTP/1.0", "POST /api/echo HTTP/1.0\r\n\(json)Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400, open: false),
        WireCase(
            "chunked body", "POST /api/echo HTTP/1.1\r\nHost: x\r\n\(json)Transfer-Encoding: chunked\r\n\r\n3\r\n{\"a\r\n4;x=y\r\n\":1}\r\n0\r\n\r\n",
            200, open: true),
        WireCase(
            "chunked body with a trailer",
            "POST /api/echo HTTP/1.1\r\nHost: x\r\n\(json)Transfer-Encoding: CHUNKED\r\n\r\n7\r\n{\"a\":1}\r\n0\r\nX-Sum: 1\r\n\r\n", 200,
            open: true),
        WireCase(
            "chunk size of nine hex digits",
            "POST /api/echo HTTP/1.1\r\nHost: x\r\n\(json)Transfer-Encoding: chunked\r\n\r\n000000007\r\n{\"a\":1}\r\n0\r\n\r\n", 400, open: false),
        WireCase(
            "chunk data not followed by CRLF", "POST /api/echo HTTP/1.1\r\nHost: x\r\n\(json)Transfer-Encoding: chunked\r\n\r\n3\r\n{\"a\":1}\r\n0\r\n\r\n",
            400, open: false),
        WireCase(
            "chunk size line with a bare LF", "POST /api/echo HTTP/1.1\r\nHost: x\r\n\(json)Transfer-Encoding: chunked\r\n\r\n7\n{\"a\":1}\r\n0\r\n\r\n",
            400, open: false),
        WireCase(
            "chunked body past the limit",
            "POST /api/echo HTTP/1.1\r\nHost: x\r\n\(json)Transfer-Encoding: chunked\r\n\r\nFFFFFF\r\n", 413, open: false),
        WireCase(
            "trailer line without a colon",
            "POST /api/echo HTTP/1.1\r\nHost: x\r\n\(json)Transfer-Encoding: chunked\r\n\r\n0\r\nX-Sum\r\n\r\n", 400, open: false),
        // Persistence (RFC 9112 §9) and expectations.
        WireCase("HTTP/1.0 closes by default", "GET /api/health HTTP/1.0\r\n\r\n", 200, open: false),
        WireCase("HTTP/1.0 keep-alive", "GET /api/health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", 200, open: true),
        WireCase("Connection: close", "GET /api/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 200, open: false),
        WireCase("unknown expectation", "POST /api/echo HTTP/1.1\r\nHost: x\r\n\(json)Expect: 200-ok\r\nContent-Length: 7\r\n\r\n{\"a\":1}", 417, open: false),
        WireCase("HEAD", "HEAD /api/health HTTP/1.1\r\nHost: x\r\n\r\n", 200, open: true),
        WireCase("unknown method", "BREW /api/health HTTP/1.1\r\nHost: x\r\n\r\n", 405, open: true),
    ]

    @Test(arguments: cases)
    func rawRequest(_ wire: WireCase) async throws {
        let server = try TestServer(routes: Self.routes)
        defer { Task { await server.server.stop() } }
        let client = try await server.client(timeoutSeconds: 10)
        try await client.send(Array(wire.bytes.utf8))
        let method = wire.bytes.hasPrefix("HEAD") ? "HEAD" : "GET"
        let reply = try await client.readReply(method: method)
        #expect(reply.status == wire.status, "\(wire.name): \(reply.status) \(reply.text)")
        #expect(reply.header("X-Request-ID")?.isEmpty == false)
        #expect(reply.header("X-Content-Type-Options") == "nosniff")
        if reply.status >= 400 { _ = try ServerTests.errorBody(reply) }
        if wire.staysOpen {
            #expect(reply.header("Connection") != "close")
            let next = try await client.request("GET", "/api/health")
            #expect(next.status == 200)
        } else {
            #expect(reply.header("Connection") == "close")
            // Nothing behind a refused request is answered.
            #expect((try? await client.readReply()) == nil)
        }
        if method == "HEAD" {
            #expect(reply.header("Content-Length") == "38")
            #expect(reply.body.isEmpty)
        }
    }

    @Test func theEchoSawTheWholeChunkedBody() async throws {
        let server = try TestServer(routes: Self.routes)
        defer { Task { await server.server.stop() } }
        let client = try await server.client()
        try await client.send("POST /api/echo HTTP/1.1\r\nHost: x\r\n\(Self.json)Transfer-Encoding: chunked\r\n\r\n3\r\n{\"a\r\n4\r\n\":1}\r\n0\r\n\r\n")
        let reply = try await client.readReply()
        #expect(try JSON.decode(reply.body)["body"] == "{\"a\":1}")
    }

    @Test func expectContinueGetsAnInterimAnswerBeforeTheBody() async throws {
        let server = try TestServer(routes: Self.routes)
        defer { Task { await server.server.stop() } }
        let client = try await server.client()
        try await client.send("POST /api/echo HTTP/1.1\r\nHost: x\r\n\(Self.json)Expect: 100-continue\r\nContent-Length: 7\r\n\r\n")
        let interim = try await client.readReply()
        #expect(interim.status == 100)
        try await client.send("{\"a\":1}")
        let reply = try await client.readReply()
        #expect(reply.status == 200)
        #expect(try JSON.decode(reply.body)["length"] == 7)
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        let server = try TestServer(routes: Self.routes)
        defer { Task { await server.server.stop() } }
        let client = try await server.client()
        // Slow async answers first, fast ones behind them: the order is the client's, not the handlers'.
        var batch = ""
        for index in 0..<20 {
            batch += "GET /api/async?n=\(index)&ms=\(index % 3 == 0 ? 30 : 0) HTTP/1.1\r\nHost: x\r\n\r\n"
            if index % 5 == 4 { batch += "POST /api/echo HTTP/1.1\r\nHost: x\r\n\(Self.json)Content-Length: 7\r\n\r\n{\"a\":1}" }
        }
        try await client.send(batch)
        for index in 0..<20 {
            let reply = try await client.readReply()
            #expect(reply.text == "\(index)")
            if index % 5 == 4 { #expect(try await client.readReply().status == 200) }
        }
    }
}
