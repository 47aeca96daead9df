import Core
import Testing

@testable import HTTP
@testable import Routes
import TestSupport

/// Connection limits on the real server, each while `/api/health` keeps answering.
@Suite(.serialized)
struct LimitsTests {
    static func start(_ configure: (inout ServerConfiguration) -> Void) throws -> TestServer {
        try TestServer(routes: HealthRoutes(readiness: Readiness()).routes, configure: configure)
    }

    @Test func anIdleClientIsClosedAtTheKeepAliveTimeout() async throws {
        let server = try Self.start { $0.connectionTimeoutSeconds = 1 }
        defer { Task { await server.server.stop() } }
        let idle = try await server.client(timeoutSeconds: 10)
        #expect(try await server.request("GET", "/api/health").status == 200)
        #expect(await idle.waitForClose())
    }

    @Test func aTricklerGets408AtTheHeadDeadline() async throws {
        // A long keep-alive timeout, so that only the head deadline can end the trickler (a stalled
        // test process must not look like an idle client).
        let server = try Self.start { $0.headTimeoutSeconds = 1 }
        defer { Task { await server.server.stop() } }
        let trickling = try await server.client(timeoutSeconds: 20)
        try await trickling.send("GET /api/health HTTP/1.1\r\nHost: x\r\n")
        #expect(try await server.request("GET", "/api/health").status == 200)
        let reply = try await trickling.readReply()
        #expect(reply.status == 408)
        #expect(reply.header("Connection") == "close")
        #expect(try ServerTests.errorBody(reply)["code"] == "REQUEST_TIMEOUT")
        #expect(await trickling.waitForClose())
    }

    @Test func anAddressOverItsLimitGetsHealthChecksOnly() async throws {
        let server = try Self.start { $0.maxConnectionsPerAddress = 2 }
        defer { Task { await server.server.stop() } }
        let held = [try await server.client(), try await server.client()]
        for client in held { try await client.send("GET /api/health HTTP/1.1\r\nHost: x\r\n") }
        try await Task.sleep(for: .milliseconds(100))
        // The router polling health from the same address is still answered, then closed.
        let poller = try await server.client(timeoutSeconds: 3)
        let health = try await poller.request("GET", "/api/health")
        #expect(health.status == 200)
        #expect(health.header("Connection") == "close")
        #expect(await poller.waitForClose())
        // Anything else from that address is a 503 in the error shape until a connection closes.
        let other = try await server.client(timeoutSeconds: 3)
        let refused = try await other.request("GET", "/api/anything")
        #expect(refused.status == 503)
        #expect(refused.header("Retry-After") == "5")
        #expect(try ServerTests.errorBody(refused)["code"] == "TOO_MANY_CONNECTIONS")
        let elsewhere = try await server.client(source: "127.0.0.2")
        #expect(try await elsewhere.request("GET", "/api/health").status == 200)
        for client in held {
            try await client.send("\r\n")
            #expect(try await client.readReply().status == 200)
        }
    }

    @Test func overTheTotalLimitOnlyHealthIsAnsweredUntilOneCloses() async throws {
        let server = try Self.start { $0.maxConnections = 2 }
        defer { Task { await server.server.stop() } }
        var held = [try await server.client(), try await server.client(source: "127.0.0.3")]
        for client in held { try await client.send("GET /api/health HTTP/1.1\r\nHost: x\r\n") }
        try await Task.sleep(for: .milliseconds(100))
        let over = try await server.client(source: "127.0.0.4", timeoutSeconds: 3)
        #expect(try await over.request("GET", "/api/anything").status == 503)
        try await held[0].send("Connection: close\r\n\r\n")
        #expect(try await held[0].readReply().status == 200)
        #expect(await held[0].waitForClose())
        held.removeFirst()
        // The server closes its side once the client has (it lingers to deliver the answer first).
        for _ in 0..<500 where server.server.openConnections > 1 { try await Task.sleep(for: .milliseconds(10)) }
        let next = try await server.client(source: "127.0.0.4", timeoutSeconds: 3)
        #expect(try await next.request("GET", "/api/anything").status == 404)
    }

    @Test func stopDrainsAnInFlightRequest() async throws {
        let routes = [
            Route.get("/slow", .public, RouteDoc("Slow", tag: "test")) { _ in
                try await Task.sleep(for: .milliseconds(400))
                return .text("done")
            }
        ]
        let server = try TestServer(routes: routes)
        let client = try await server.client()
        try await client.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
        try await Task.sleep(for: .milliseconds(100))
        #expect(server.server.requestsInFlight == 1)
        await server.server.stop()
        let reply = try await client.readReply()
        #expect(reply.status == 200)
        #expect(reply.text == "done")
    }
}
