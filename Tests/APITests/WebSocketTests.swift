import Core
import Crypto
import Testing

@testable import HTTP
@testable import Routes
import TestSupport

/// RFC 6455 on the engine's loops: handshake, echo, ping, fragments, limits, close.
@Suite(.serialized)
struct WebSocketTests {
    static let routes: [Route] = [
        Route(
            "GET", "/ws", access: .authenticated, doc: RouteDoc("Echo", tag: "ws"),
            handler: .webSocket { _, socket in
                while let message = await socket.receive() {
                    socket.send(text: "echo:" + message)
                }
            })
    ]

    static func masked(_ opcode: UInt8, _ payload: [UInt8], fin: Bool = true) -> [UInt8] {
        let mask: [UInt8] = [1, 2, 3, 4]
        var frame: [UInt8] = [(fin ? 0x80 : 0) | opcode]
        if payload.count < 126 {
            frame.append(0x80 | UInt8(payload.count))
        } else {
            frame += [0x80 | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        }
        frame += mask
        frame += payload.enumerated().map { $0.element ^ mask[$0.offset & 3] }
        return frame
    }

    static func readFrame(_ client: RawHTTPClient) async throws -> WebSocketFrame? {
        guard try await client.fill(2) else { return nil }
        let head = client.takeBuffered(2)
        var length = Int(head[1] & 0x7F)
        if length == 126 {
            guard try await client.fill(2) else { return nil }
            let extended = client.takeBuffered(2)
            length = Int(extended[0]) << 8 | Int(extended[1])
        }
        guard try await client.fill(length) else { return nil }
        return WebSocketFrame(fin: head[0] & 0x80 != 0, opcode: head[0] & 0x0F, payload: client.takeBuffered(length))
    }

    static func open(_ server: TestServer, key: String = "dGhlIHNhbXBsZSBub25jZQ==") async throws -> (RawHTTPClient, RawHTTPClient.Reply) {
        let client = try await server.client()
        let reply = try await client.request(
            "GET", "/ws",
            headers: [
                "Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Key": key,
                "Sec-WebSocket-Version": "13", "X-Auth-Token": TestServer.token,
            ])
        return (client, reply)
    }

    @Test func acceptKeyFollowsRFC6455() {
        #expect(WebSocketHandshake.accept(key: "dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
    }

    @Test func echoPingFragmentsAndClose() async throws {
        let server = try TestServer(routes: Self.routes) { $0.maxWebSocketMessageBytes = 64 }
        defer { Task { await server.server.stop() } }
        let (client, reply) = try await Self.open(server)
        #expect(reply.status == 101)
        #expect(reply.header("Sec-WebSocket-Accept") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        #expect(reply.header("Upgrade")?.lowercased() == "websocket")

        try await client.send(Self.masked(WebSocketFrame.text, Array("hello".utf8)))
        #expect(try await Self.readFrame(client) == WebSocketFrame(fin: true, opcode: WebSocketFrame.text, payload: Array("echo:hello".utf8)))

        try await client.send(Self.masked(WebSocketFrame.ping, [7]))
        #expect(try await Self.readFrame(client) == WebSocketFrame(fin: true, opcode: WebSocketFrame.pong, payload: [7]))

        try await client.send(Self.masked(WebSocketFrame.text, Array("frag".utf8), fin: false))
        try await client.send(Self.masked(WebSocketFrame.continuation, Array("ment".utf8)))
        #expect(try await Self.readFrame(client)?.payload == Array("echo:fragment".utf8))

        try await client.send(Self.masked(WebSocketFrame.text, [UInt8](repeating: 65, count: 100)))
        let tooBig = try #require(try await Self.readFrame(client))
        #expect(tooBig.opcode == WebSocketFrame.close)
        #expect(tooBig.payload == [0x03, 0xF1])
        #expect(await client.waitForClose())
    }

    @Test func clientCloseIsAnswered() async throws {
        let server = try TestServer(routes: Self.routes)
        defer { Task { await server.server.stop() } }
        let (client, _) = try await Self.open(server)
        try await client.send(Self.masked(WebSocketFrame.close, [0x03, 0xE8]))
        let answer = try #require(try await Self.readFrame(client))
        #expect(answer.opcode == WebSocketFrame.close)
        #expect(await client.waitForClose())
        for _ in 0..<50 where server.server.openWebSockets > 0 { try await Task.sleep(for: .milliseconds(20)) }
        #expect(server.server.openWebSockets == 0)
    }

    @Test func unmaskedFramesAndBadHandshakesAreRefused() async throws {
        let server = try TestServer(routes: Self.routes)
        defer { Task { await server.server.stop() } }
        let (client, _) = try await Self.open(server)
        try await client.send(WebSocketFrame.encode(opcode: WebSocketFrame.text, payload: [65]))
        #expect(try await Self.readFrame(client)?.payload == [0x03, 0xEA])

        #expect(try await server.request("GET", "/ws", headers: server.auth).status == 426)
        let noToken = try await server.request("GET", "/ws", headers: ["Upgrade": "websocket", "Connection": "Upgrade"])
        #expect(noToken.status == 401)
    }

    @Test func stopClosesOpenWebSockets() async throws {
        let server = try TestServer(routes: Self.routes)
        let (client, reply) = try await Self.open(server)
        #expect(reply.status == 101)
        for _ in 0..<50 where server.server.openWebSockets == 0 { try await Task.sleep(for: .milliseconds(20)) }
        await server.server.stop()
        #expect(try await Self.readFrame(client)?.opcode == WebSocketFrame.close)
        #expect(await client.waitForClose())
    }

    @Test(
        arguments: [
            ([0x81, 0x05] + Array("hello".utf8), "client frame not masked"),
            ([0xC1, 0x80, 0, 0, 0, 0], "reserved bits set"),
            ([0x09, 0x80, 0, 0, 0, 0], "bad control frame"),
        ] as [([UInt8], String)])
    func protocolViolations(bytes: [UInt8], reason: String) {
        guard case .violation(_, let found) = WebSocketFrame.parse(bytes[...], maxPayload: 100) else {
            Issue.record("expected a violation")
            return
        }
        #expect(found == reason)
    }
}
