internal import CMicroHTTPD
import Core

/// What the upgrade callback needs once libmicrohttpd hands over the socket.
final class UpgradeContext: Sendable {
    let core: ServerCore
    let request: Request
    let handler: @Sendable (Request, any WebSocketConnection) async -> Void

    init(core: ServerCore, request: Request, handler: @escaping @Sendable (Request, any WebSocketConnection) async -> Void) {
        self.core = core
        self.request = request
        self.handler = handler
    }
}

extension ServerCore {
    /// Answers a complete `.webSocket` request with 101 and `Sec-WebSocket-Accept` through
    /// `MHD_create_response_for_upgrade`, or with the 4xx the handshake check gives.
    func upgrade(
        _ state: PendingRequest, _ connection: OpaquePointer,
        _ handler: @escaping @Sendable (Request, any WebSocketConnection) async -> Void
    ) -> MHD_Result {
        let accept: String
        do throws(HTTPError) {
            accept = try WebSocketHandshake.validate(state.headers)
        } catch {
            return queue(errorResponse(error, state), state, connection)
        }
        let context = Unmanaged.passRetained(UpgradeContext(core: self, request: state.request, handler: handler))
        guard let response = MHD_create_response_for_upgrade(MHDCallbacks.upgraded, context.toOpaque()) else {
            context.release()
            return queue(errorResponse(HTTPError.serverError(), state), state, connection)
        }
        defer { MHD_destroy_response(response) }
        var headers = Headers()
        headers.add("Upgrade", "websocket")
        headers.add("Sec-WebSocket-Accept", accept)
        MHDResponse.addHeaders(headers, requestID: state.requestID, to: response)
        let result = MHD_queue_response(connection, 101, response)
        if result == .YES {
            // An upgraded connection is no longer an HTTP request in flight: draining does not wait for it.
            forget(state)
        } else {
            context.release()
        }
        if configuration.accessLog {
            Log.shared.info("\(state.method) \(state.path) 101 \(state.elapsedText)ms 0B id=\(state.requestID)")
        }
        return result
    }

    /// Takes over an upgraded socket: registers it, starts its reader and runs the route's handler.
    func adopt(_ context: UpgradeContext, fd: Int32, upgradeHandle: OpaquePointer, initial: [UInt8]) {
        let registry = webSockets
        let socket = UpgradedWebSocket(
            fd: fd, upgradeHandle: upgradeHandle, limits: WebSocketLimits(maxMessage: configuration.maxWebSocketMessageBytes),
            pingSeconds: configuration.webSocketPingSeconds, onEnd: { registry.remove($0) })
        registry.add(socket)
        socket.start(initial: initial)
        let request = context.request
        let handler = context.handler
        Task {
            await handler(request, socket)
            socket.close(code: 1000)
        }
    }
}

extension MHDCallbacks {
    static let upgraded: MHD_UpgradeHandler = { cls, _, _, extra, extraSize, sock, urh in
        guard let cls, let urh else { return }
        let context = Unmanaged<UpgradeContext>.fromOpaque(cls).takeRetainedValue()
        var initial: [UInt8] = []
        if let extra, extraSize > 0 {
            initial = Array(UnsafeRawBufferPointer(start: extra, count: extraSize))
        }
        context.core.adopt(context, fd: sock, upgradeHandle: urh, initial: initial)
    }
}
