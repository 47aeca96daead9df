import Core
import Testing

@testable import HTTP
@testable import Routes
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// The engine under the clients that locked libmicrohttpd out: tricklers, crowds of idle keep-alive
/// connections, pipeliners and clients that stop reading. One loop thread in each, so nothing passes
/// because another thread was free.
@Suite(.serialized)
struct EngineLoadTests {
    static let routes: [Route] =
        HealthRoutes(readiness: Readiness()).routes + [
            .get("/api/big", .public, RouteDoc("A large answer", tag: "test")) { _ in
                Response(status: 200, headers: Headers([("Content-Type", "application/octet-stream")]), body: [UInt8](repeating: 0x61, count: 1 << 20))
            }
        ]

    @Test func tricklersFromOneAddressNeitherLockOutItsHealthChecksNorStay() async throws {
        let server = try TestServer(routes: Self.routes) {
            $0.threads = 1
            $0.headTimeoutSeconds = 3
            $0.maxConnectionsPerAddress = 64
        }
        defer { Task { await server.server.stop() } }
        var tricklers: [RawHTTPClient] = []
        for _ in 0..<64 { tricklers.append(try await server.client(timeoutSeconds: 10)) }
        for client in tricklers { try await client.send("GET /api/health HTTP/1.1\r\n") }
        // The address is at its limit: its health poll is still answered, on a restricted connection.
        for line in 0..<3 {
            for client in tricklers { try? await client.send("X-Line-\(line): 1\r\n") }
            #expect(try await Self.poll(server) == 200)
            try await Task.sleep(for: .milliseconds(300))
        }
        // At the head deadline every trickler gets its 408 and is closed.
        for client in tricklers {
            let reply = try await client.readReply()
            #expect(reply.status == 408)
            #expect(await client.waitForClose())
        }
        #expect(try await server.request("GET", "/api/health").status == 200)
    }

    @Test func aThousandIdleKeepAliveConnectionsAreHeld() async throws {
        try Self.raiseDescriptorLimit(to: 4096)
        let server = try TestServer(routes: Self.routes) {
            $0.threads = 1
            $0.maxConnections = 1100
            $0.maxConnectionsPerAddress = 1100
        }
        defer { Task { await server.server.stop() } }
        var clients: [RawHTTPClient] = []
        for _ in 0..<1000 {
            let client = try await server.client()
            try await client.send("GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n")
            clients.append(client)
        }
        for client in clients { #expect(try await client.readReply().status == 200) }
        #expect(server.server.openConnections == 1000)
        // Each is still usable.
        for index in [0, 499, 999] { #expect(try await clients[index].request("GET", "/api/health").status == 200) }
        #expect(server.server.openConnections == 1000)
    }

    @Test func aClientThatStopsReadingNeverBlocksTheLoop() async throws {
        let server = try TestServer(routes: Self.routes) { $0.threads = 1 }
        defer { Task { await server.server.stop() } }
        let deaf = try await server.client()
        // 64 MiB of answers asked for and never read: far more than the socket buffers hold.
        try await deaf.send(String(repeating: "GET /api/big HTTP/1.1\r\nHost: x\r\n\r\n", count: 64))
        for _ in 0..<20 {
            #expect(try await server.request("GET", "/api/health").status == 200)
        }
        // The deaf client got a first answer's worth at most; it is still open, waiting on itself.
        #expect(server.server.openConnections >= 1)
    }

    /// A health poll on a fresh connection, as a router makes it: tried again on a new connection if
    /// the first one was refused (a loaded test process can stall past the restricted head deadline).
    static func poll(_ server: TestServer) async throws -> Int {
        var status = 0
        for _ in 0..<3 where status != 200 {
            let poll = try await server.client(timeoutSeconds: 10)
            status = (try? await poll.request("GET", "/api/health").status) ?? 0
        }
        return status
    }

    static func raiseDescriptorLimit(to wanted: rlim_t) throws {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        guard limit.rlim_cur < wanted else { return }
        limit.rlim_cur = min(wanted, limit.rlim_max)
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        try #require(limit.rlim_cur >= 2200, "this test needs 2,200 descriptors (client and server ends); the hard limit is \(limit.rlim_max)")
    }
}
