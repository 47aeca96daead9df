import Core
import Synchronization

/// The server's Swift side, called by the event loops: routes and authorizes a request from its head
/// before any body is read, then answers it on the loop (`.immediate`), from a Task while the loop
/// serves others (`.async`), or by upgrading the connection (`.webSocket`). Every answer passes
/// through `finish`, which adds the headers a route asks for, counts it and writes its access line.
final class ServerCore: Sendable {
    let router: Router
    let gate: AuthGate
    let configuration: ServerConfiguration
    let ids = RequestIDs()
    let webSockets = WebSocketRegistry()

    /// Requests that have started and not yet been answered, for draining.
    private let started = Atomic<Int>(0)
    /// Requests whose `.async` handler runs, so that the time limit and shutdown can answer them.
    private let suspended = Mutex<[ObjectIdentifier: PendingRequest]>([:])
    private let draining = Atomic<Bool>(false)

    /// Answered on a restricted connection (an address over its limit), and not access-logged when
    /// they succeed unless `logHealthChecks` says so.
    static let healthPaths: Set<String> = ["/api/health", "/livez", "/readyz"]

    enum Dispatch {
        case answer(Response)
        case suspended
        /// 101 with the accept key; the loop writes it and serves the connection as a WebSocket.
        case upgrade(Response, @Sendable (Request, any WebSocketConnection) async -> Void)
    }

    init(router: Router, gate: AuthGate, configuration: ServerConfiguration) {
        self.router = router
        self.gate = gate
        self.configuration = configuration
    }

    var inFlightCount: Int { started.load(ordering: .acquiring) }

    var isDraining: Bool { draining.load(ordering: .relaxed) }

    /// From now on answers close their connection, and idle ones are closed.
    func startDraining() {
        draining.store(true, ordering: .relaxed)
    }

    /// Called by the loop once a request is answered (or upgraded, or its connection closed); once per request.
    func forget(_ state: PendingRequest) {
        guard state.tracked else { return }
        state.tracked = false
        started.subtract(1, ordering: .releasing)
        if state.wasSuspended {
            _ = suspended.withLock { $0.removeValue(forKey: ObjectIdentifier(state)) }
        }
    }

    /// Answers every suspended request 503 (shutdown after the drain period).
    func abandonSuspended() {
        let states = suspended.withLock { Array($0.values) }
        for state in states {
            let error = HTTPError.unavailable("Server is shutting down", code: "SHUTTING_DOWN")
            if state.deliver(ErrorResponder.response(for: error, requestID: state.requestID)) { state.cancelWork() }
        }
    }

    // MARK: The head

    func begin(_ head: RequestHead, remoteAddress: String, restricted: Bool) -> PendingRequest {
        let requestID = ids.make(clientSent: head.headers)
        let state = PendingRequest(head: head, requestID: requestID, remoteAddress: remoteAddress)
        started.add(1, ordering: .relaxed)
        let method = head.method
        let path = head.path
        if restricted && !((method == "GET" || method == "HEAD") && Self.healthPaths.contains(path)) {
            state.earlyResponse = errorResponse(
                HTTPError(
                    status: 503, code: "TOO_MANY_CONNECTIONS", message: "Too many open connections from this address",
                    detail: "Only health checks are answered until some close", headers: [("Retry-After", "5")]), state)
            return state
        }
        switch router.match(method: method, path: path) {
        case .found(let route, let parameters):
            do throws(HTTPError) {
                let isUpgrade = route.handler.upgrades(state.headers)
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
                state.earlyResponse = options(allowed: allowed, path: path, state)
            } else {
                state.earlyResponse = errorResponse(HTTPError.methodNotAllowed(allowed: allowed), state)
            }
        case .notFound:
            if method == "OPTIONS" && (path == "*" || path == "/") {
                state.earlyResponse = Response(status: 204, headers: Headers([("Allow", "GET, HEAD, OPTIONS")]))
            } else {
                state.earlyResponse = errorResponse(HTTPError.notFound("No route for \(method) \(path)"), state)
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

    // MARK: The complete request

    func dispatch(_ state: PendingRequest, resume: ConnectionRef) -> Dispatch {
        state.dispatched = true
        guard let route = state.route else { return .answer(errorResponse(HTTPError.serverError(), state)) }
        switch route.handler {
        case .immediate(let handler):
            do {
                return .answer(try handler(state.request))
            } catch {
                return .answer(errorResponse(error, state))
            }
        case .upgradeOrAsync(let webSocket, let plain):
            return route.handler.upgrades(state.headers) ? upgrade(state, webSocket) : suspend(state, plain, resume)
        case .async(let handler):
            return suspend(state, handler, resume)
        case .webSocket(let handler):
            return upgrade(state, handler)
        }
    }

    /// Hands an `.async` handler the request; the loop serves others meanwhile.
    private func suspend(
        _ state: PendingRequest, _ handler: @escaping @Sendable (Request) async throws -> Response, _ resume: ConnectionRef
    ) -> Dispatch {
        state.wasSuspended = true
        state.resume = resume
        suspended.withLock { $0[ObjectIdentifier(state)] = state }
        runSuspended(state, handler)
        return .suspended
    }

    /// Completes the RFC 6455 handshake (101), or answers why not.
    private func upgrade(_ state: PendingRequest, _ handler: @escaping @Sendable (Request, any WebSocketConnection) async -> Void) -> Dispatch {
        do throws(HTTPError) {
            let accept = try WebSocketHandshake.validate(state.headers)
            let response = Response(status: 101, headers: Headers([("Upgrade", "websocket"), ("Sec-WebSocket-Accept", accept)]))
            return .upgrade(response, handler)
        } catch {
            return .answer(errorResponse(error, state))
        }
    }

    /// Runs an `.async` handler in a Task on the handler threads (`HandlerExecutor`), not on Swift's
    /// global pool; its answer wakes the loop (`deliver`). The time limit is kept by a loop's sweep
    /// (`expireOverdue`), not by a timer task per request: a cancelled sleeping task held its memory
    /// until its sleep would have ended (35 MB per 45,000 requests).
    private func runSuspended(_ state: PendingRequest, _ handler: @escaping @Sendable (Request) async throws -> Response) {
        let request = state.request
        let work = Task(executorPreference: HandlerExecutor.shared) {
            let response: Response
            do {
                response = try await handler(request)
            } catch {
                response = self.errorResponse(error, state)
            }
            state.deliver(response)
        }
        state.attach(work)
    }

    /// Answers every suspended request that has run past the handler time limit 504 and cancels its handler.
    func expireOverdue() {
        let limit = configuration.handlerTimeLimitSeconds
        let overdue = suspended.withLock { $0.values.filter { $0.elapsedSeconds >= limit } }
        for state in overdue {
            let error = HTTPError(status: 504, code: "HANDLER_TIMEOUT", message: "The request took too long", detail: "Limit is \(limit) s")
            if state.deliver(errorResponse(error, state)) { state.cancelWork() }
        }
    }

    func errorResponse(_ error: any Error, _ state: PendingRequest) -> Response {
        if !(error is HTTPError) {
            Log.shared.error("Failed to handle '\(state.method) \(state.path)' (request \(state.requestID)): \(error)")
        }
        return ErrorResponder.response(for: error, requestID: state.requestID)
    }

    // MARK: Answering

    /// The answer as it goes out: the route's extra headers added, counted, and its access line queued.
    func finish(_ response: Response, _ state: PendingRequest, log lines: inout [(level: LogLevel, message: String)]) -> Response {
        var response = response
        for (name, value) in state.extraHeaders where response.headers[name] == nil { response.headers.set(name, value) }
        let micros = state.elapsedMicroseconds
        let seconds = Double(micros) / 1e6
        configuration.onResponse?(response.status, seconds)
        let status = response.status
        let slow = seconds >= configuration.slowRequestSeconds
        let healthCheck = Self.healthPaths.contains(state.path)
        if !healthCheck { configuration.onActivity?() }
        let logged: Bool
        switch configuration.accessLog {
        case .all: logged = status >= 400 || slow || configuration.logHealthChecks || !healthCheck
        case .errors: logged = status >= 400 || slow
        case .off: logged = status >= 500 || slow
        }
        if logged {
            let bytes = state.method == "HEAD" ? 0 : response.body.count
            let level: LogLevel = status >= 500 || slow ? .warning : .info
            lines.append((level, "\(state.method) \(state.path) \(status) \(PendingRequest.millisecondsText(micros))ms \(bytes)B id=\(state.requestID)"))
        }
        return response
    }

    /// A request refused before it had a route (malformed, too large, too slow): counted and logged.
    func recordRefusal(_ status: Int, requestID: String, address: String, error: HTTPError, log lines: inout [(level: LogLevel, message: String)]) {
        configuration.onResponse?(status, 0)
        lines.append((.info, "Refused a request from \(address): \(status) \(error.code)\(error.detail.map { " (\($0))" } ?? "") id=\(requestID)"))
    }
}
