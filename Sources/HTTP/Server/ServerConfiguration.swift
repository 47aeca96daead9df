/// Every limit and knob of the HTTP server, with safe defaults (libmicrohttpd's own defaults are not).
public struct ServerConfiguration: Sendable {
    /// Address to listen on (IPv4 or IPv6 literal); `0.0.0.0` listens on every IPv4 address.
    public var listenAddress: String = "0.0.0.0"
    /// TCP port; 0 picks a free one (tests), `HTTPServer.port` tells which.
    public var port: UInt16 = 8080
    /// Threads in libmicrohttpd's pool, each running its own epoll loop.
    public var threads: Int = 2
    /// Largest request body accepted; more is a 413, refused on `Content-Length` and while streaming.
    public var maxBodyBytes: Int = 1 << 20
    /// Largest request line plus headers accepted; more is a 431.
    public var maxHeaderBytes: Int = 8 << 10
    /// Memory libmicrohttpd gives one connection for reading headers and body chunks (above `maxHeaderBytes`).
    public var connectionMemoryBytes: Int = 16 << 10
    /// Open connections in total; more are refused at accept.
    public var maxConnections: Int = 256
    /// Open connections from one client address; more are refused at accept.
    public var maxConnectionsPerAddress: Int = 64
    /// Seconds a connection may stay idle (or trickle bytes) before it is closed.
    public var connectionTimeoutSeconds: Int = 30
    /// Seconds an `.async` handler may take before the client gets a 504.
    public var handlerTimeLimitSeconds: Double = 30
    /// Seconds `stop` waits for requests in flight before it answers them 503 and closes.
    public var drainSeconds: Double = 5
    /// Seconds between pings on an idle WebSocket; two silent intervals close it.
    public var webSocketPingSeconds: Int = 30
    /// Largest WebSocket message (after reassembling fragments).
    public var maxWebSocketMessageBytes: Int = 1 << 20
    /// Writes one access-log line per request.
    public var accessLog: Bool = true
    /// Called once per answered request with its status and seconds taken (request metrics).
    public var onResponse: (@Sendable (_ status: Int, _ seconds: Double) -> Void)?

    public init() {}
}
