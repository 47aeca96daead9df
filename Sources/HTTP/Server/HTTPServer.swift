internal import CMicroHTTPD
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Why the server could not start.
public struct ServerError: Error, CustomStringConvertible, Sendable {
    public let description: String
}

/// The HTTP server over libmicrohttpd: an epoll thread pool answering the route table through
/// `AuthGate`, with the limits of `ServerConfiguration`. `stop()` drains requests in flight.
public final class HTTPServer: Sendable {
    private let core: ServerCore
    private struct Running: @unchecked Sendable {
        let daemon: OpaquePointer
        let port: UInt16
    }
    private let running = Mutex<Running?>(nil)

    public init(router: Router, gate: AuthGate, configuration: ServerConfiguration = ServerConfiguration()) {
        core = ServerCore(router: router, gate: gate, configuration: configuration)
    }

    /// The bound port (the chosen one when the configuration asked for 0); 0 before `start`.
    public var port: UInt16 { running.withLock { $0?.port ?? 0 } }

    /// Requests started and not yet answered.
    public var requestsInFlight: Int { core.inFlightCount }

    /// Upgraded WebSocket connections still open.
    public var openWebSockets: Int { core.webSockets.count }

    public func start() throws(ServerError) {
        let config = core.configuration
        var storage = sockaddr_storage()
        let length: Int
        if let v4 = SocketAddresses.ipv4(config.listenAddress, port: config.port) {
            withUnsafeMutableBytes(of: &storage) { $0.storeBytes(of: v4, as: sockaddr_in.self) }
            length = MemoryLayout<sockaddr_in>.size
        } else if let v6 = SocketAddresses.ipv6(config.listenAddress, port: config.port) {
            withUnsafeMutableBytes(of: &storage) { $0.storeBytes(of: v6, as: sockaddr_in6.self) }
            length = MemoryLayout<sockaddr_in6>.size
        } else {
            throw ServerError(description: "listen address '\(config.listenAddress)' is not an IP address")
        }
        var flags = MHD_USE_EPOLL_INTERNAL_THREAD.rawValue | MHD_ALLOW_SUSPEND_RESUME.rawValue
        flags |= MHD_ALLOW_UPGRADE.rawValue
        if length == MemoryLayout<sockaddr_in6>.size { flags |= MHD_USE_IPv6.rawValue }
        let daemon: OpaquePointer? = withUnsafeMutableBytes(of: &storage) { address in
            var options: [MHD_OptionItem] = [
                MHD_OptionItem(option: .SOCK_ADDR, value: 0, ptr_value: address.baseAddress),
                MHD_OptionItem(option: .THREAD_POOL_SIZE, value: max(1, config.threads), ptr_value: nil),
                MHD_OptionItem(option: .CONNECTION_LIMIT, value: config.maxConnections, ptr_value: nil),
                MHD_OptionItem(option: .PER_IP_CONNECTION_LIMIT, value: config.maxConnectionsPerAddress, ptr_value: nil),
                MHD_OptionItem(option: .CONNECTION_TIMEOUT, value: config.connectionTimeoutSeconds, ptr_value: nil),
                MHD_OptionItem(option: .CONNECTION_MEMORY_LIMIT, value: config.connectionMemoryBytes, ptr_value: nil),
                MHD_OptionItem(option: .LISTENING_ADDRESS_REUSE, value: 1, ptr_value: nil),
                MHD_OptionItem(option: .END, value: 0, ptr_value: nil),
            ]
            let context = Unmanaged.passUnretained(core).toOpaque()
            return options.withUnsafeMutableBufferPointer { items in
                cmhd_start_notifying(
                    flags, config.port, MHDCallbacks.access, context, MHDCallbacks.completed, context, items.baseAddress)
            }
        }
        guard let daemon else {
            throw ServerError(description: "cannot listen on \(config.listenAddress):\(config.port) (address in use or not available)")
        }
        running.withLock { $0 = Running(daemon: daemon, port: cmhd_bound_port(daemon)) }
        core.startSweeper()
    }

    /// Stops accepting, waits up to `drainSeconds` for requests in flight, answers the rest 503,
    /// closes upgraded WebSocket connections, then stops libmicrohttpd.
    public func stop() async {
        guard
            let current = running.withLock({ state -> Running? in
                defer { state = nil }
                return state
            })
        else { return }
        let listener = MHD_quiesce_daemon(current.daemon)
        if listener >= 0 { close(listener) }
        let deadline = ContinuousClock.now + .milliseconds(Int64(core.configuration.drainSeconds * 1000))
        while core.inFlightCount > 0 && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        core.abandonSuspended()
        core.stopSweeper()
        await core.webSockets.closeAll()
        try? await Task.sleep(for: .milliseconds(20))
        MHD_stop_daemon(current.daemon)
    }
}
