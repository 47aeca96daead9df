public import Core
public import HTTP
import Synchronization

/// The Socket.IO server (Engine.IO 4 + Socket.IO 5): the session table, the packets of each session,
/// namespace joins checked against the gate's verifiers, acknowledgements both ways, and `emit` for
/// the daemon's event sources. A sweeper task runs while sessions exist: it pings, answers polls that
/// waited long enough, and closes sessions that stopped answering, so the table never outgrows its cap.
public final class SocketIOServer: Sendable {
    let gate: AuthGate
    let limits: SocketIOLimits
    private let namespaces: [String: SocketNamespace]

    private struct Table {
        var sessions: [String: EngineSession] = [:]
        var sweeping = false
    }
    private let table = Mutex(Table())

    public init(gate: AuthGate, namespaces: [SocketNamespace] = SocketNamespace.standard, limits: SocketIOLimits = SocketIOLimits()) {
        self.gate = gate
        self.limits = limits
        self.namespaces = Dictionary(namespaces.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Engine.IO sessions open now.
    public var sessionCount: Int { table.withLock { $0.sessions.count } }

    /// Namespace connections open now in `namespace`.
    public func connectionCount(in namespace: String) -> Int {
        snapshot().count { $0.joined(namespace) != nil }
    }

    private func snapshot() -> [EngineSession] { table.withLock { Array($0.sessions.values) } }

    func session(_ id: String) -> EngineSession? { table.withLock { $0.sessions[id] } }

    // MARK: Handshake

    /// Opens a session (over polling when `socket` is nil) and returns it with its OPEN packet; 503 at the cap.
    func open(principal: Principal, socket: (any WebSocketConnection)?) throws(HTTPError) -> (EngineSession, String) {
        let session = EngineSession(id: Self.randomID(), principal: principal, limits: limits, socket: socket, now: .now) {
            [weak self] id in self?.forget(id)
        }
        let startSweeper: Bool = try table.withLock { (table) throws(HTTPError) -> Bool in
            guard table.sessions.count < limits.maxSessions else {
                throw HTTPError.unavailable("Too many Socket.IO sessions are open", code: "TOO_MANY_SESSIONS")
            }
            table.sessions[session.id] = session
            defer { table.sweeping = true }
            return !table.sweeping
        }
        if startSweeper { sweep() }
        let open: JSON = [
            "sid": .string(session.id), "upgrades": socket == nil ? ["websocket"] : [],
            "pingInterval": JSON(Self.milliseconds(limits.pingInterval)), "pingTimeout": JSON(Self.milliseconds(limits.pingTimeout)),
            "maxPayload": JSON(limits.maxPayload),
        ]
        return (session, EngineIOPacket.open(String(decoding: open.encoded(), as: UTF8.self)).encoded)
    }

    /// Closes a session (which then leaves the table).
    func end(_ session: EngineSession) {
        session.close()
    }

    private func forget(_ id: String) {
        _ = table.withLock { $0.sessions.removeValue(forKey: id) }
    }

    private func sweep() {
        let interval = limits.sweepInterval
        Task.detached { [weak self] in
            while true {
                try? await Task.sleep(for: interval)
                guard let self else { return }
                let now = ContinuousClock.now
                for session in self.snapshot() {
                    switch session.tick(now: now) {
                    case .fine: break
                    case .ping: session.send(EngineIOPacket.ping("").encoded)
                    case .expired: self.end(session)
                    }
                }
                let stop = self.table.withLock { table in
                    if table.sessions.isEmpty { table.sweeping = false }
                    return table.sessions.isEmpty
                }
                if stop { return }
            }
        }
    }

    // MARK: Packets from a client

    /// Acts on one Engine.IO packet; false when the session must end (a close, a protocol error).
    func receive(_ packet: EngineIOPacket, from session: EngineSession) -> Bool {
        switch packet {
        case .ping(let data):
            session.send(EngineIOPacket.pong(data).encoded)
        case .pong:
            session.heardPong()
        case .message(let text):
            return receive(message: text, from: session)
        case .close:
            return false
        case .noop:
            break
        case .open, .upgrade:
            return false
        }
        return true
    }

    private func receive(message: String, from session: EngineSession) -> Bool {
        let packet: SocketIOPacket
        do {
            packet = try SocketIOPacket.decode(message)
        } catch {
            return false
        }
        switch packet.kind {
        case .connect:
            connect(session, packet)
        case .disconnect:
            session.leave(packet.namespace)
        case .event:
            guard session.joined(packet.namespace) != nil, let args = packet.data?.arrayValue, let name = args.first?.stringValue else { break }
            event(name, Array(args.dropFirst()), id: packet.id, namespace: packet.namespace, session: session)
        case .ack:
            if let id = packet.id, let handler = session.takeAck(id) { handler(packet.data?.arrayValue ?? []) }
        case .connectError, .binaryEvent, .binaryAck:
            return false
        }
        return true
    }

    /// CONNECT: the namespace must exist, the token (`auth.token`, else the handshake's credential)
    /// must admit the principal, and the user must be under `maxPerUser`; else CONNECT_ERROR.
    private func connect(_ session: EngineSession, _ packet: SocketIOPacket) {
        let name = packet.namespace
        func refuse(_ message: String) {
            let error = SocketIOPacket(kind: .connectError, namespace: name, data: ["message": .string(message)])
            session.send(EngineIOPacket.message(error.encoded).encoded)
        }
        guard let namespace = namespaces[name] else { return refuse("Invalid namespace") }
        var principal = session.handshakePrincipal
        if let token = packet.data?.objectValue?["token"] {
            guard let token = token.stringValue, !token.isEmpty, token.utf8.count <= 4096 else { return refuse("Invalid token") }
            do {
                principal = try gate.authorize(.authenticated, headers: Headers([("Authorization", "Bearer " + token)]))
            } catch {
                return refuse("Invalid token")
            }
        }
        guard namespace.admits(principal) else {
            return refuse(principal == .anonymous ? "Authentication required" : "Forbidden: this namespace needs \(namespace.access.name)")
        }
        if let user = principal.user?.id, session.joined(name) == nil {
            let held = snapshot().reduce(0) { $0 + $1.joins(of: user) }
            guard held < limits.maxPerUser else { return refuse("Too many connections for this user") }
        }
        let socketID = Self.randomID()
        guard session.join(name, EngineSession.Joined(principal: principal, socketID: socketID)) else { return }
        let reply = SocketIOPacket(kind: .connect, namespace: name, data: ["sid": .string(socketID)])
        session.send(EngineIOPacket.message(reply.encoded).encoded)
    }

    /// The events a client may send: `echo` (acknowledged with its own arguments) and `echo:reverse`
    /// (the server asks the client back with an `echo` event that wants an ack, and acknowledges the
    /// original with the client's answer). Others are ignored.
    private func event(_ name: String, _ args: [JSON], id: Int?, namespace: String, session: EngineSession) {
        switch name {
        case "echo":
            if let id { ack(id, args, namespace: namespace, session: session) }
        case "echo:reverse":
            let sent = emit("echo", args, to: session, namespace: namespace) { [weak self] answer in
                if let id { self?.ack(id, answer, namespace: namespace, session: session) }
            }
            if !sent, let id { ack(id, [["error": "too many acknowledgements pending"]], namespace: namespace, session: session) }
        default:
            break
        }
    }

    private func ack(_ id: Int, _ args: [JSON], namespace: String, session: EngineSession) {
        let packet = SocketIOPacket(kind: .ack, namespace: namespace, id: id, data: .array(args))
        session.send(EngineIOPacket.message(packet.encoded).encoded)
    }

    // MARK: Emitting

    /// Sends `event` to one session's socket in `namespace`, wanting an ack when `reply` is given; false
    /// when the ack could not be registered or the session is gone.
    @discardableResult
    func emit(
        _ event: String, _ args: [JSON], to session: EngineSession, namespace: String,
        reply: (@Sendable ([JSON]) -> Void)? = nil
    ) -> Bool {
        var id: Int?
        if let reply {
            guard let registered = session.expectAck(reply) else { return false }
            id = registered
        }
        let packet = SocketIOPacket.event(event, args, namespace: namespace, id: id)
        return session.send(EngineIOPacket.message(packet.encoded).encoded)
    }

    /// Sends `event` with `data` to every socket in `namespace` whose principal `to` admits (all when
    /// nil). Encodes once; never waits on a client. Answers how many sockets it was sent to.
    @discardableResult
    public func emit(_ event: String, _ data: JSON, namespace: String, to filter: (@Sendable (Principal) -> Bool)? = nil) -> Int {
        let sessions = snapshot()
        guard !sessions.isEmpty else { return 0 }
        let packet = EngineIOPacket.message(SocketIOPacket.event(event, [data], namespace: namespace).encoded).encoded
        var sent = 0
        for session in sessions {
            guard let joined = session.joined(namespace) else { continue }
            if let filter, !filter(joined.principal) { continue }
            if session.send(packet) { sent += 1 }
        }
        return sent
    }

    /// Whether anyone is in `namespace` (so a source can skip building an event nobody gets).
    public func hasListeners(in namespace: String) -> Bool {
        snapshot().contains { $0.joined(namespace) != nil }
    }

    // MARK: Helpers

    static func milliseconds(_ duration: Duration) -> Int {
        Int(duration.components.seconds) * 1000 + Int(duration.components.attoseconds / 1_000_000_000_000_000)
    }

    /// 20 random URL-safe characters (120 bits from the system's CSPRNG).
    static func randomID() -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        var generator = SystemRandomNumberGenerator()
        return String((0..<20).map { _ in alphabet[Int(generator.next() % 64)] })
    }
}
