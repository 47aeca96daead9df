import Core
import Synchronization
import Testing

@testable import HTTP
@testable import Routes
import TestSupport

/// Issue 18: `/api/ws` grew from 97 to 216 MB in 10 s under one client's frames, and job events were
/// written on the publishing thread. Every inbox and outbox is bounded now, publishers never wait on a
/// client, and the framing closes with the codes RFC 6455 gives (1007, 1002, 1003).
@Suite(.serialized)
struct WebSocketLimitsTests {
    /// What the publishing side saw, for the outbox test.
    final class Publisher: Sendable {
        let attempted = Atomic<Int>(0)
        let refused = Atomic<Int>(0)
        let finished = Atomic<Bool>(false)
    }

    static func routes(_ publisher: Publisher) -> [Route] {
        [
            Route(
                "GET", "/echo", access: .authenticated, doc: RouteDoc("Echo", tag: "ws"),
                handler: .webSocket { _, socket in
                    while let message = await socket.receive() { socket.send(text: message) }
                }),
            // Never reads what the client sends.
            Route(
                "GET", "/deaf", access: .authenticated, doc: RouteDoc("Never reads", tag: "ws"),
                handler: .webSocket { _, socket in
                    try? await Task.sleep(for: .seconds(60))
                    _ = socket
                }),
            // Publishes 60 KiB messages as fast as it can, like a busy job, to a client that does not read.
            Route(
                "GET", "/flood", access: .authenticated, doc: RouteDoc("Publishes", tag: "ws"),
                handler: .webSocket { _, socket in
                    let payload = String(repeating: "x", count: 60 << 10)
                    for _ in 0..<2000 {
                        publisher.attempted.add(1, ordering: .relaxed)
                        if !socket.send(text: payload) { publisher.refused.add(1, ordering: .relaxed) }
                    }
                    publisher.finished.store(true, ordering: .releasing)
                    while await socket.receive() != nil {}
                }),
        ]
    }

    static func open(_ server: TestServer, _ path: String) async throws -> RawHTTPClient {
        let client = try await server.client()
        let reply = try await client.request(
            "GET", path,
            headers: [
                "Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
                "Sec-WebSocket-Version": "13", "X-Auth-Token": TestServer.token,
            ])
        #expect(reply.status == 101)
        return client
    }

    /// Reads frames until a close frame and returns its code (nil when the socket ended without one).
    static func closeCode(_ client: RawHTTPClient) async throws -> UInt16? {
        while let frame = try await WebSocketTests.readFrame(client) {
            if frame.opcode == WebSocketFrame.close {
                return frame.payload.count >= 2 ? UInt16(frame.payload[0]) << 8 | UInt16(frame.payload[1]) : 1005
            }
        }
        return nil
    }

    @Test(
        arguments: [
            ([0xC3, 0x28], WebSocketFrame.text, UInt16(1007)),
            ([0xED, 0xA0, 0x80], WebSocketFrame.text, UInt16(1007)),
            ([1, 2, 3], WebSocketFrame.binary, UInt16(1003)),
            ([0x00, 0x00], WebSocketFrame.close, UInt16(1002)),
            ([0x13, 0x88], WebSocketFrame.close, UInt16(1002)),
            ([0x03, 0xEC], WebSocketFrame.close, UInt16(1002)),
            ([0x03, 0xED], WebSocketFrame.close, UInt16(1002)),
            ([0x03], WebSocketFrame.close, UInt16(1002)),
            ([0x0F, 0xA0, 0x6F, 0x6B], WebSocketFrame.close, UInt16(4000)),
            ([0x03, 0xE8], WebSocketFrame.close, UInt16(1000)),
            ([0x03, 0xE8, 0xFF], WebSocketFrame.close, UInt16(1007)),
            ([], WebSocketFrame.close, UInt16(1000)),
        ] as [([UInt8], UInt8, UInt16)])
    func framingClosesWithTheRFCCode(payload: [UInt8], opcode: UInt8, code: UInt16) async throws {
        let server = try TestServer(routes: Self.routes(Publisher()))
        defer { Task { await server.server.stop() } }
        let client = try await Self.open(server, "/echo")
        try await client.send(WebSocketTests.masked(opcode, payload))
        #expect(try await Self.closeCode(client) == code)
        #expect(await client.waitForClose())
    }

    @Test func invalidUTF8SplitAcrossFragmentsIsCaughtToo() async throws {
        let server = try TestServer(routes: Self.routes(Publisher()))
        defer { Task { await server.server.stop() } }
        let client = try await Self.open(server, "/echo")
        // "é" split between two fragments is valid; a lone lead byte at the end is not.
        try await client.send(WebSocketTests.masked(WebSocketFrame.text, [0x61, 0xC3], fin: false))
        try await client.send(WebSocketTests.masked(WebSocketFrame.continuation, [0xA9]))
        #expect(try await WebSocketTests.readFrame(client)?.payload == [0x61, 0xC3, 0xA9])
        try await client.send(WebSocketTests.masked(WebSocketFrame.text, [0x61], fin: false))
        try await client.send(WebSocketTests.masked(WebSocketFrame.continuation, [0xC3]))
        #expect(try await Self.closeCode(client) == 1007)
    }

    @Test func aFloodNobodyReadsIsClosedWith1008() async throws {
        let server = try TestServer(routes: Self.routes(Publisher()))
        defer { Task { await server.server.stop() } }
        let client = try await Self.open(server, "/deaf")
        var frames: [UInt8] = []
        for index in 0..<200 { frames += WebSocketTests.masked(WebSocketFrame.text, Array("message \(index)".utf8)) }
        try await client.send(frames)
        #expect(try await Self.closeCode(client) == 1008)
        #expect(await client.waitForClose())
    }

    @Test func aClientThatStopsReadingNeverHoldsThePublisher() async throws {
        let publisher = Publisher()
        let server = try TestServer(routes: Self.routes(publisher))
        defer { Task { await server.server.stop() } }
        let client = try await Self.open(server, "/flood")
        // The client reads nothing until the publisher is done: 2000 × 60 KiB could never fit the socket
        // buffers, so a publisher that waited on this client would never finish.
        for _ in 0..<3000 where !publisher.finished.load(ordering: .acquiring) {
            try await Task.sleep(for: .milliseconds(20))
        }
        let finished = publisher.finished.load(ordering: .acquiring)
        let attempted = publisher.attempted.load(ordering: .relaxed)
        let refused = publisher.refused.load(ordering: .relaxed)
        #expect(finished)
        #expect(attempted == 2000)
        #expect(refused > 1000)
        #expect(try await Self.closeCode(client) == 1008)
    }
}
