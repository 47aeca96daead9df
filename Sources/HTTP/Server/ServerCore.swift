internal import CMicroHTTPD
import Core
import Synchronization

/// The server's Swift side, reached from libmicrohttpd's callbacks: reads a request's headers, routes
/// and authorizes it before any body is read, buffers the bounded body, then answers it on the server
/// thread (`.immediate`), from a Task while the connection is suspended (`.async`), or by upgrading it
/// (`.webSocket`). Every answer leaves through `queue`, which adds the common headers and logs.
final class ServerCore: Sendable {
    let router: Router
    let gate: AuthGate
    let configuration: ServerConfiguration
    let ids = RequestIDs()
    let webSockets = WebSocketRegistry()

    /// Requests that have started and not yet completed, for draining.
    private let started = Atomic<Int>(0)
    /// Requests suspended while an `.async` handler runs, so that shutdown can answer them.
    private let suspended = Mutex<[ObjectIdentifier: PendingRequest]>([:])

    init(router: Router, gate: AuthGate, configuration: ServerConfiguration) {
        self.router = router
        self.gate = gate
        self.configuration = configuration
    }

    var inFlightCount: Int { started.load(ordering: .acquiring) }

    /// Called on the server thread when a request completes (or is upgraded); once per request.
    func forget(_ state: PendingRequest) {
        guard state.tracked else { return }
        state.tracked = false
        started.subtract(1, ordering: .releasing)
        if state.wasSuspended {
            _ = suspended.withLock { $0.removeValue(forKey: ObjectIdentifier(state)) }
        }
    }

    /// Answers every suspended request 503 (shutdown after the drain period) and resumes it.
    func abandonSuspended() {
        let states = suspended.withLock { Array($0.values) }
        for state in states {
            let error = HTTPError.unavailable("Server is shutting down", code: "SHUTTING_DOWN")
            if state.deliver(ErrorResponder.response(for: error, requestID: state.requestID)) {
                MHD_resume_connection(state.connection.pointer)
                state.cancelWork()
            }
        }
    }

    // MARK: First callback: headers only

    func begin(connection: OpaquePointer, url: String, method: String, version: String) -> PendingRequest {
        let collected = MHDValues.collect(connection)
        let requestID = ids.make(clientSent: collected.headers)
        let state = PendingRequest(
            method: method, path: url, headers: collected.headers, query: collected.query, requestID: requestID,
            remoteAddress: MHDValues.clientAddress(connection), connection: ConnectionHandle(pointer: connection))
        started.add(1, ordering: .relaxed)

        let headerBytes = method.utf8.count + url.utf8.count + version.utf8.count + 4 + collected.headerBytes
        if headerBytes > configuration.maxHeaderBytes {
            state.earlyResponse = errorResponse(
                HTTPError(
                    status: 431, code: "HEADERS_TOO_LARGE", message: "Request headers too large",
                    detail: "Limit is \(configuration.maxHeaderBytes) bytes"), state)
            return state
        }
        if let length = collected.headers["Content-Length"].flatMap({ Int($0) }), length > configuration.maxBodyBytes {
            state.earlyResponse = errorResponse(HTTPError.payloadTooLarge(limit: configuration.maxBodyBytes), state)
            return state
        }
        switch router.match(method: method, path: url) {
        case .found(let route, let parameters):
            do throws(HTTPError) {
                let isUpgrade: Bool = if case .webSocket = route.handler { true } else { false }
                if let refusal = BrowserPolicy.crossOriginRefusal(method: method, headers: state.headers, isUpgrade: isUpgrade) {
                    throw refusal
                }
                // Only a WebSocket upgrade may carry its token in the query (the access log never prints queries).
                let queryToken: String? = isUpgrade ? state.query["token"] : nil
                state.principal = try gate.authorize(route.access, method: method, headers: state.headers, queryToken: queryToken)
                if let rule = route.rateLimit {
                    state.extraHeaders = try rule.check(address: state.remoteAddress, principal: state.principal).headers
                }
                if !isUpgrade,
                    let refusal = BrowserPolicy.mediaTypeRefusal(method: method, headers: state.headers, accepted: route.accepts)
                {
                    throw refusal
                }
                state.route = route
                state.parameters = parameters
            } catch {
                state.earlyResponse = errorResponse(error, state)
            }
        case .methodNotAllowed(let allowed):
            if method == "OPTIONS" {
                state.earlyResponse = options(allowed: allowed, path: url, state)
            } else {
                state.earlyResponse = errorResponse(HTTPError.methodNotAllowed(allowed: allowed), state)
            }
        case .notFound:
            if method == "OPTIONS" && (url == "*" || url == "/") {
                state.earlyResponse = Response(status: 204, headers: Headers([("Allow", "GET, HEAD, OPTIONS")]))
            } else {
                state.earlyResponse = errorResponse(HTTPError.notFound("No route for \(method) \(url)"), state)
            }
        }
        return state
    }

    /// `OPTIONS` on a route path: 204 with `Allow`, under the same credential its most open method needs,
    /// so a protected route tells nothing (not even which methods it has) without one.
    private func options(allowed: [String], path: String, _ state: PendingRequest) -> Response {
        var access = Access.admin
        for method in allowed {
            if case .found(let route, _) = router.match(method: method, path: path), route.access.openness < access.openness {
                access = route.access
            }
        }
        do throws(HTTPError) {
            state.principal = try gate.authorize(access, method: "OPTIONS", headers: state.headers)
        } catch {
            return errorResponse(error, state)
        }
        var response = Response.empty(status: 204)
        response.headers.set("Allow", allowed.joined(separator: ", "))
        return response
    }

    /// A request whose answer is known from the headers alone and must not wait for a body it refuses
    /// (413 on `Content-Length`, 431): libmicrohttpd then closes the connection instead of reading on.
    func mustAnswerBeforeBody(_ state: PendingRequest) -> Bool {
        guard let status = state.earlyResponse?.status else { return false }
        return status == 413 || status == 431
    }

    // MARK: Body chunks

    /// Takes a body chunk; false when the client keeps streaming far past the limit (or past an early
    /// answer), and the connection should just be closed. libmicrohttpd cannot queue an answer mid-body,
    /// so a refused body is read and dropped up to that point and answered once it ends.
    func receive(_ state: PendingRequest, _ chunk: UnsafeRawBufferPointer) -> Bool {
        guard state.earlyResponse == nil, !state.bodyTooLarge else {
            state.discardedBytes += chunk.count
            return state.discardedBytes <= max(configuration.maxBodyBytes, 1 << 20) * 4
        }
        if state.body.count + chunk.count > configuration.maxBodyBytes {
            state.bodyTooLarge = true
            state.discardedBytes = state.body.count + chunk.count
            state.body = []
            return true
        }
        state.body.append(contentsOf: chunk)
        return true
    }

    // MARK: Last callback: the request is complete

    func complete(_ state: PendingRequest, connection: OpaquePointer) -> MHD_Result {
        if let delivered = state.takeDelivered() {
            return queue(delivered, state, connection)
        }
        guard !state.dispatched else { return .YES }
        state.dispatched = true
        if let early = state.earlyResponse { return queue(early, state, connection) }
        if state.bodyTooLarge { return queue(errorResponse(HTTPError.payloadTooLarge(limit: configuration.maxBodyBytes), state), state, connection) }
        guard let route = state.route else { return .NO }
        switch route.handler {
        case .immediate(let handler):
            let response: Response
            do {
                response = try handler(state.request)
            } catch {
                response = errorResponse(error, state)
            }
            return queue(response, state, connection)
        case .async(let handler):
            state.wasSuspended = true
            suspended.withLock { $0[ObjectIdentifier(state)] = state }
            MHD_suspend_connection(connection)
            runSuspended(state, handler)
            return .YES
        case .webSocket(let handler):
            return upgrade(state, connection, handler)
        }
    }

    /// Runs an `.async` handler in a Task; its answer resumes the connection, and libmicrohttpd calls
    /// `complete` again to queue it. The time limit is kept by the sweeper (`expireOverdue`), not by a
    /// timer task per request: a cancelled sleeping task held its memory until its sleep would have ended,
    /// so a minute's limit kept every request of the last minute alive (35 MB per 45,000 requests).
    private func runSuspended(_ state: PendingRequest, _ handler: @escaping @Sendable (Request) async throws -> Response) {
        let request = state.request
        let work = Task {
            let response: Response
            do {
                response = try await handler(request)
            } catch {
                response = self.errorResponse(error, state)
            }
            if state.deliver(response) { MHD_resume_connection(state.connection.pointer) }
        }
        state.attach(work)
    }

    // MARK: Time limit

    private let sweeping = Atomic<Bool>(false)

    /// Starts the thread that answers overdue handlers 504 (a few times per limit, at least 4 a second).
    func startSweeper() {
        guard !sweeping.exchange(true, ordering: .acquiringAndReleasing) else { return }
        let interval = UInt32(min(250_000, max(10_000, configuration.handlerTimeLimitSeconds * 250_000)))
        DetachedThread.start { [self] in
            while sweeping.load(ordering: .acquiring) {
                usleep(interval)
                expireOverdue()
            }
        }
    }

    func stopSweeper() {
        sweeping.store(false, ordering: .releasing)
    }

    /// Answers every suspended request that has run past the handler time limit 504 and cancels its handler.
    func expireOverdue() {
        let limit = configuration.handlerTimeLimitSeconds
        let overdue = suspended.withLock { $0.values.filter { $0.elapsedSeconds >= limit } }
        for state in overdue {
            let error = HTTPError(status: 504, code: "HANDLER_TIMEOUT", message: "The request took too long", detail: "Limit is \(limit) s")
            if state.deliver(errorResponse(error, state)) {
                MHD_resume_connection(state.connection.pointer)
                state.cancelWork()
            }
        }
    }

    func errorResponse(_ error: any Error, _ state: PendingRequest) -> Response {
        if !(error is HTTPError) {
            Log.shared.error("Failed to handle '\(state.method) \(state.path)' (request \(state.requestID)): \(error)")
        }
        return ErrorResponder.response(for: error, requestID: state.requestID)
    }

    // MARK: Answering

    func queue(_ response: Response, _ state: PendingRequest, _ connection: OpaquePointer) -> MHD_Result {
        var response = response
        for (name, value) in state.extraHeaders where response.headers[name] == nil { response.headers.set(name, value) }
        let result = MHDResponse.queue(response, requestID: state.requestID, on: connection)
        configuration.onResponse?(response.status, state.elapsedSeconds)
        if configuration.accessLog {
            let bytes = state.method == "HEAD" ? 0 : response.body.count
            Log.shared.info("\(state.method) \(state.path) \(response.status) \(state.elapsedText)ms \(bytes)B id=\(state.requestID)")
        }
        return result
    }
}
