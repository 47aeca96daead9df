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

    @Test func idleAndSlowClientsAreClosedAfterTheTimeout() async throws {
        let server = try Self.start { $0.connectionTimeoutSeconds = 1 }
        defer { Task { await server.server.stop() } }
        let idle = try await server.client(timeoutSeconds: 5)
        let trickling = try await server.client(timeoutSeconds: 5)
        try await trickling.send("GET /api/health HTTP/1.1\r\nHost: x\r\n")
        #expect(try await server.request("GET", "/api/health").status == 200)
        #expect(await idle.waitForClose())
        #expect(await trickling.waitForClose())
    }

    @Test func tooManyConnectionsFromOneAddressAreRefused() async throws {
        let server = try Self.start { $0.maxConnectionsPerAddress = 2 }
        defer { Task { await server.server.stop() } }
        let held = [try await server.client(), try await server.client()]
        for client in held { try await client.send("GET /api/health HTTP/1.1\r\nHost: x\r\n") }
        try await Task.sleep(for: .milliseconds(100))
        let refused = try await server.client(timeoutSeconds: 3)
        try? await refused.send("GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n")
        #expect(await refused.waitForClose())
        let other = try await server.client(source: "127.0.0.2")
        #expect(try await other.request("GET", "/api/health").status == 200)
        for client in held {
            try await client.send("\r\n")
            #expect(try await client.readReply().status == 200)
        }
    }

    @Test func totalConnectionLimitHoldsTheNextOneBack() async throws {
        // At the limit libmicrohttpd stops accepting: the next client waits in the kernel's backlog,
        // unserved, until a connection closes.
        let server = try Self.start { $0.maxConnections = 2 }
        defer { Task { await server.server.stop() } }
        var held = [try await server.client(), try await server.client(source: "127.0.0.3")]
        for client in held { try await client.send("GET /api/health HTTP/1.1\r\nHost: x\r\n") }
        try await Task.sleep(for: .milliseconds(100))
        let waiting = try await server.client(source: "127.0.0.4", timeoutSeconds: 1)
        try await waiting.send("GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n")
        await #expect(throws: RawHTTPClient.Failure.self) { try await waiting.readReply() }
        try await held[0].send("Connection: close\r\n\r\n")
        #expect(try await held[0].readReply().status == 200)
        held.removeFirst()
        #expect(try await waiting.readReply().status == 200)
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
