import Core
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Why the server could not start.
public struct ServerError: Error, CustomStringConvertible, Sendable {
    public let description: String
}

/// The HTTP/1.1 server: `threads` event loops on one listening socket, answering the route table
/// through `AuthGate` with the limits of `ServerConfiguration`. `stop()` drains requests in flight.
public final class HTTPServer: Sendable {
    private let core: ServerCore
    private struct Running: @unchecked Sendable {
        let loops: [EventLoop]
        let listenFD: Int32
        let port: UInt16
        let quota: ConnectionQuota
    }
    private let running = Mutex<Running?>(nil)

    public init(router: Router, gate: AuthGate, configuration: ServerConfiguration = ServerConfiguration()) {
        core = ServerCore(router: router, gate: gate, configuration: configuration)
    }

    /// The bound port (the chosen one when the configuration asked for 0); 0 before `start`.
    public var port: UInt16 { running.withLock { $0?.port ?? 0 } }

    /// Requests started and not yet answered.
    public var requestsInFlight: Int { core.inFlightCount }

    /// WebSocket connections still open.
    public var openWebSockets: Int { core.webSockets.count }

    /// Client connections open now.
    public var openConnections: Int { running.withLock { $0?.quota.open ?? 0 } }

    public func start() throws(ServerError) {
        let config = core.configuration
        let listenFD = try Listener.open(address: config.listenAddress, port: config.port)
        let quota = ConnectionQuota(maxTotal: config.maxConnections, maxPerAddress: config.maxConnectionsPerAddress)
        // The handler threads start with the server, not with its first `.async` request or WebSocket.
        _ = HandlerExecutor.shared
        var loops: [EventLoop] = []
        do throws(ServerError) {
            for index in 0..<max(1, config.threads) {
                let loop = try EventLoop(core: core, quota: quota, listenFD: listenFD, keepsHandlerTimeLimit: index == 0)
                guard loop.start() else { throw ServerError(description: "cannot start an event loop thread") }
                loops.append(loop)
            }
        } catch {
            for loop in loops { loop.shutDown() }
            close(listenFD)
            throw error
        }
        running.withLock { $0 = Running(loops: loops, listenFD: listenFD, port: Listener.boundPort(listenFD), quota: quota) }
    }

    /// Stops accepting, waits up to `drainSeconds` for requests in flight, answers the rest 503,
    /// closes WebSocket connections (1001), then stops the loops.
    public func stop() async {
        guard
            let current = running.withLock({ state -> Running? in
                defer { state = nil }
                return state
            })
        else { return }
        core.startDraining()
        for loop in current.loops { loop.stopAccepting() }
        for _ in 0..<100 where !current.loops.allSatisfy(\.hasStoppedAccepting) {
            try? await Task.sleep(for: .milliseconds(10))
        }
        close(current.listenFD)
        let deadline = ContinuousClock.now + .milliseconds(Int64(core.configuration.drainSeconds * 1000))
        while core.inFlightCount > 0 && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        core.abandonSuspended()
        await core.webSockets.closeAll()
        try? await Task.sleep(for: .milliseconds(20))
        for loop in current.loops { loop.shutDown() }
        for _ in 0..<200 where !current.loops.allSatisfy(\.hasExited) {
            try? await Task.sleep(for: .milliseconds(10))
        }
    }
}
