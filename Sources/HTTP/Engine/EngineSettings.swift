/// The engine's limits and deadlines in the units its loops use, derived once from `ServerConfiguration`.
struct EngineSettings: Sendable {
    var parser: ParserLimits
    var headNanoseconds: UInt64
    /// A restricted connection (over its address's limit, health routes only) gets a short head deadline.
    var restrictedHeadNanoseconds: UInt64
    var idleNanoseconds: UInt64
    /// How long a closing connection drops what the client still sends before it closes.
    var lingerNanoseconds: UInt64 = 2_000_000_000
    /// … and how much it drops before it closes anyway.
    var lingerBytes = 256 << 10
    var pingNanoseconds: UInt64
    var minBodyBytesPerSecond: Int
    /// Answers waiting for a slow reader past which pipelined requests are not parsed.
    var outputBackpressureBytes = 256 << 10
    /// Unparsed input past which a connection is not read (while a handler answers).
    var inputBacklogBytes: Int
    var sweepMilliseconds: Int
    var sweepNanoseconds: UInt64 { UInt64(sweepMilliseconds) * 1_000_000 }

    init(_ configuration: ServerConfiguration) {
        parser = ParserLimits(
            maxRequestLine: configuration.maxRequestLineBytes, maxHeaderBytes: configuration.maxHeaderBytes,
            maxHeaderCount: configuration.maxHeaderCount, maxBodyBytes: configuration.maxBodyBytes)
        headNanoseconds = Self.nanoseconds(configuration.headTimeoutSeconds)
        restrictedHeadNanoseconds = min(headNanoseconds, 2_000_000_000)
        idleNanoseconds = Self.nanoseconds(Double(configuration.connectionTimeoutSeconds))
        pingNanoseconds = Self.nanoseconds(Double(max(1, configuration.webSocketPingSeconds)))
        minBodyBytesPerSecond = max(1, configuration.minBodyBytesPerSecond)
        inputBacklogBytes = configuration.maxHeaderBytes + (64 << 10)
        // A few sweeps per handler time limit, at least 4 a second.
        sweepMilliseconds = Int(min(250, max(10, configuration.handlerTimeLimitSeconds * 250)))
    }

    /// The time a body of `bytes` may take at the minimum rate.
    func bodyAllowance(_ bytes: Int) -> UInt64 {
        UInt64(bytes) * 1_000_000_000 / UInt64(minBodyBytesPerSecond)
    }

    private static func nanoseconds(_ seconds: Double) -> UInt64 {
        UInt64(max(0.001, seconds) * 1_000_000_000)
    }
}
