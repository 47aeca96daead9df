@testable import API
import Core
import Testing

/// Connection limits on the real server, each while `/api/health` keeps answering.
@Suite(.serialized)
struct LimitsTests {
    static func start(_ configure: (inout ServerConfiguration) -> Void) throws -> TestServer {
        try TestServer(routes: HealthRoutes(readiness: Readiness()).routes, configure: configure)
    }

    @Test func idleAndSlowClientsAreClosedAfterTheTimeout() async throws {
        let server = try Self.start { $0.connectionTimeoutSeconds = 1 }
        defer { Task { await server.server.stop() } }
        let idle = try server.client(timeoutSeconds: 5)
        let trickling = try server.client(timeoutSeconds: 5)
        try trickling.send("GET /api/health HTTP/1.1\r\nHost: x\r\n")
        #expect(try server.request("GET", "/api/health").status == 200)
        #expect(idle.waitForClose())
        #expect(trickling.waitForClose())
    }

    @Test func tooManyConnectionsFromOneAddressAreRefused() async throws {
        let server = try Self.start { $0.maxConnectionsPerAddress = 2 }
        defer { Task { await server.server.stop() } }
        let held = [try server.client(), try server.client()]
        for client in held { try client.send("GET /api/health HTTP/1.1\r\nHost: x\r\n") }
        try await Task.sleep(for: .milliseconds(100))
        let refused = try server.client(timeoutSeconds: 3)
        try? refused.send("GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(refused.waitForClose())
        let other = try server.client(source: "127.0.0.2")
        #expect(try other.request("GET", "/api/health").status == 200)
        for client in held {
            try client.send("\r\n")
            #expect(try client.readReply().status == 200)
        }
    }

    @Test func totalConnectionLimitHoldsTheNextOneBack() async throws {
        // At the limit libmicrohttpd stops accepting: the next client waits in the kernel's backlog,
        // unserved, until a connection closes.
        let server = try Self.start { $0.maxConnections = 2 }
        defer { Task { await server.server.stop() } }
        var held = [try server.client(), try server.client(source: "127.0.0.3")]
        for client in held { try client.send("GET /api/health HTTP/1.1\r\nHost: x\r\n") }
        try await Task.sleep(for: .milliseconds(100))
        let waiting = try server.client(source: "127.0.0.4", timeoutSeconds: 1)
        try waiting.send("GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(throws: RawHTTPClient.Failure.self) { try waiting.readReply() }
        try held[0].send("Connection: close\r\n\r\n")
        #expect(try held[0].readReply().status == 200)
        held.removeFirst()
        #expect(try waiting.readReply().status == 200)
    }

    @Test func stopDrainsAnInFlightRequest() async throws {
        let routes = [
            Route.get("/slow", .public, RouteDoc("Slow", tag: "test")) { _ in
                try await Task.sleep(for: .milliseconds(400))
                return .text("done")
            }
        ]
        let server = try TestServer(routes: routes)
        let client = try server.client()
        try client.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n")
        try await Task.sleep(for: .milliseconds(100))
        #expect(server.server.requestsInFlight == 1)
        await server.server.stop()
        let reply = try client.readReply()
        #expect(reply.status == 200)
        #expect(reply.text == "done")
    }
}
