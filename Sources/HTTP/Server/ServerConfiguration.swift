/// Every limit and knob of the HTTP server, with safe defaults.
public struct ServerConfiguration: Sendable {
    /// Which requests get an access-log line (`server.access_log`). Server errors and slow requests
    /// are logged whatever this says.
    public enum AccessLog: String, Sendable, CaseIterable {
        case all
        /// Answers of 400 and up, and slow ones.
        case errors
        case off
    }

    /// Address to listen on (IPv4 or IPv6 literal); `0.0.0.0` listens on every IPv4 address.
    public var listenAddress: String = "0.0.0.0"
    /// TCP port; 0 picks a free one (tests), `HTTPServer.port` tells which.
    public var port: UInt16 = 8080
    /// Event loops, each a thread with its own epoll set.
    public var threads: Int = 2
    /// Largest request body accepted; more is a 413, refused on `Content-Length` and while streaming.
    public var maxBodyBytes: Int = 1 << 20
    /// Largest request head (request line, fields, CRLFs) accepted; more is a 431.
    public var maxHeaderBytes: Int = 16 << 10
    /// Longest request line accepted; more is a 414.
    public var maxRequestLineBytes: Int = 8 << 10
    /// Most header fields in a request; more is a 431.
    public var maxHeaderCount: Int = 100
    /// Open connections in total; more become restricted (health routes only) or are refused 503.
    public var maxConnections: Int = 256
    /// Open connections from one client address; more become restricted or are refused 503.
    public var maxConnectionsPerAddress: Int = 64
    /// Seconds a whole request head may take to arrive, from its first byte (408 past it).
    public var headTimeoutSeconds: Double = 10
    /// Slowest request body accepted, in bytes per second, after the head deadline's allowance (408).
    public var minBodyBytesPerSecond: Int = 4096
    /// Seconds a keep-alive connection may stay idle between requests, or a client may stop reading.
    public var connectionTimeoutSeconds: Int = 30
    /// Seconds an `.async` handler may take before the client gets a 504.
    public var handlerTimeLimitSeconds: Double = 30
    /// Seconds `stop` waits for requests in flight before it answers them 503 and closes.
    public var drainSeconds: Double = 5
    /// Seconds between pings on an idle WebSocket; two silent intervals close it.
    public var webSocketPingSeconds: Int = 30
    /// Largest WebSocket message (after reassembling fragments).
    public var maxWebSocketMessageBytes: Int = 1 << 20
    public var accessLog: AccessLog = .all
    /// Health checks (`/api/health`, `/livez`, `/readyz`) that succeed get an access-log line too.
    public var logHealthChecks = false
    /// Requests slower than this are logged whatever `accessLog` says.
    public var slowRequestSeconds: Double = 1
    /// Called once per answered request with its status and seconds taken (request metrics).
    public var onResponse: (@Sendable (_ status: Int, _ seconds: Double) -> Void)?
    /// Called once per answered request that is not a health check (the daemon's quiet-spell memory release).
    public var onActivity: (@Sendable () -> Void)?

    public init() {}
}
