import Core
public import HTTP

/// `/socket.io/`: Engine.IO's long-polling transport (GET to receive, POST to send, `\x1e`-joined
/// packets) and its WebSocket transport on the same URL, directly or as an upgrade of a polling
/// session (`2probe`/`3probe`/`5`). The route is public: each namespace checks its own credential.
public struct SocketIORoutes: RouteProvider {
    let server: SocketIOServer

    public init(server: SocketIOServer) {
        self.server = server
    }

    static let path = "/socket.io/"

    public var routes: [Route] {
        let server = server
        let text = Schema.text
        return [
            Route(
                "GET", Self.path, access: .public,
                doc: RouteDoc(
                    "Socket.IO (Engine.IO 4): handshake and long-polling receive, or the WebSocket transport on upgrade",
                    tag: "socket.io", query: ["EIO", "transport", "sid", "t", "token"],
                    parameterTypes: ["EIO": .oneOf(["4"]), "transport": .oneOf(["polling", "websocket"])],
                    responseSchema: text, contentType: "text/plain", errors: [400, 503]),
                handler: .upgradeOrAsync(
                    webSocket: { request, socket in await Self.serveWebSocket(request, socket, server) },
                    plain: { request throws(HTTPError) in try await Self.poll(request, server) })),
            Route(
                "POST", Self.path, access: .public,
                doc: RouteDoc(
                    "Socket.IO (Engine.IO 4): long-polling send", tag: "socket.io", query: ["EIO", "transport", "sid", "t"],
                    parameterTypes: ["EIO": .oneOf(["4"]), "transport": .oneOf(["polling"])],
                    responseSchema: .text, contentType: "text/plain", errors: [400, 413]),
                accepts: ["text/plain", "application/octet-stream"],
                handler: .async { request throws(HTTPError) in try await Self.post(request, server) }),
        ]
    }

    // MARK: Polling

    private static func checkQuery(_ request: Request, transport: String) throws(HTTPError) {
        guard request.query["EIO"] == "4" else { throw HTTPError.badRequest("Unsupported protocol version", detail: "EIO must be 4") }
        guard request.query["transport"] == transport else {
            throw HTTPError.badRequest("Unknown transport", detail: "transport must be \(transport) here")
        }
    }

    private static func session(_ request: Request, _ server: SocketIOServer) throws(HTTPError) -> EngineSession {
        guard let id = request.query["sid"], let session = server.session(id), !session.isClosed else {
            throw HTTPError.badRequest("Session ID unknown", detail: "sid")
        }
        return session
    }

    private static func poll(_ request: Request, _ server: SocketIOServer) async throws(HTTPError) -> Response {
        try checkQuery(request, transport: "polling")
        guard request.query["sid"] != nil else {
            let (_, open) = try server.open(principal: request.principal, socket: nil)
            return body(open)
        }
        let session = try session(request, server)
        let packets: [String]?
        do {
            packets = try await session.poll()
        } catch {
            switch error {
            case .concurrent:
                server.end(session)
                throw HTTPError.badRequest("A poll is already waiting for this session", detail: "sid")
            case .notPolling:
                throw HTTPError.badRequest("This session moved to WebSocket", detail: "transport")
            }
        }
        guard let packets else { return body(EngineIOPacket.close.encoded) }
        return body(EngineIOPacket.encodePayload(packets))
    }

    private static func post(_ request: Request, _ server: SocketIOServer) async throws(HTTPError) -> Response {
        try checkQuery(request, transport: "polling")
        let session = try session(request, server)
        guard request.body.count <= server.limits.maxPayload else {
            server.end(session)
            throw HTTPError.payloadTooLarge(limit: server.limits.maxPayload)
        }
        guard let text = String(validating: request.body, as: UTF8.self), let packets = EngineIOPacket.decodePayload(text) else {
            server.end(session)
            throw HTTPError.badRequest("Not an Engine.IO payload", detail: "binary packets are not taken")
        }
        for packet in packets where !server.receive(packet, from: session) {
            server.end(session)
            break
        }
        return body("ok")
    }

    private static func body(_ text: String) -> Response {
        var response = Response(status: 200, body: Array(text.utf8))
        response.headers.set("Content-Type", "text/plain; charset=UTF-8")
        response.headers.set("Cache-Control", "no-store")
        return response
    }

    // MARK: WebSocket

    /// A WebSocket transport: a new session (no `sid`), or the upgrade of a polling one.
    private static func serveWebSocket(_ request: Request, _ socket: any WebSocketConnection, _ server: SocketIOServer) async {
        guard request.query["EIO"] == "4", request.query["transport"] == "websocket" else {
            return socket.close(code: 1003)
        }
        let session: EngineSession
        if let id = request.query["sid"] {
            guard let existing = server.session(id), !existing.isClosed, !existing.isWebSocket, !existing.isUpgrading else {
                return socket.close(code: 1008)
            }
            guard await probe(socket, existing) else { return server.end(existing) }
            session = existing
        } else {
            do {
                let (opened, open) = try server.open(principal: request.principal, socket: socket)
                socket.send(text: open)
                session = opened
            } catch {
                return socket.close(code: 1013)
            }
        }
        while let message = await socket.receive() {
            guard message.utf8.count <= server.limits.maxPayload, let packet = EngineIOPacket.decode(Substring(message)),
                server.receive(packet, from: session)
            else { break }
        }
        server.end(session)
    }

    /// The upgrade: `2probe` answered `3probe` (the poll in flight gets a noop), then `5` switches the
    /// session over; anything else ends it.
    private static func probe(_ socket: any WebSocketConnection, _ session: EngineSession) async -> Bool {
        guard await socket.receive() == "2probe" else { return false }
        session.beginUpgrade(socket)
        socket.send(text: EngineIOPacket.pong("probe").encoded)
        guard await socket.receive() == EngineIOPacket.upgrade.encoded else { return false }
        session.completeUpgrade()
        return true
    }
}
