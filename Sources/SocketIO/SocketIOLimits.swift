/// What bounds the Socket.IO server: timers the handshake announces, payload size, and the session
/// table and queues, so that nothing grows without bound.
public struct SocketIOLimits: Sendable {
    /// How often the server pings (Engine.IO 4: the server pings, the client answers).
    public var pingInterval: Duration = .seconds(25)
    /// How long a ping may go unanswered before the session is closed.
    public var pingTimeout: Duration = .seconds(20)
    /// Largest polling body or WebSocket message a client may send (announced as `maxPayload`).
    public var maxPayload = 1_000_000
    /// Engine.IO sessions open at once, over both transports.
    public var maxSessions = 2000
    /// Namespace connections one user may hold across all sessions.
    public var maxPerUser = 32
    /// How long a polling GET waits for a packet before it answers a noop (under the handler time limit).
    public var pollWait: Duration = .seconds(20)
    /// Packets and bytes queued for a polling client between its GETs; past them it is dropped.
    public var queuePackets = 256
    public var queueBytes = 4 << 20
    /// Acknowledgements the server waits for per session.
    public var pendingAcks = 64
    /// How often sessions are checked for pings, timeouts and waiting polls.
    public var sweepInterval: Duration = .seconds(1)

    public init() {}

    /// A session that joined no namespace by then is closed (Socket.IO's connect timeout).
    var connectTimeout: Duration { pingInterval + pingTimeout }
}
