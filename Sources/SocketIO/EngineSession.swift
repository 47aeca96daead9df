import Core
import HTTP
import Synchronization

/// One Engine.IO session: its transport (long-polling, then perhaps a WebSocket), the packets waiting
/// for the next poll, ping state, and the namespaces it joined with the principal each was granted.
/// Sending never waits: a polling client's queue is bounded and a WebSocket's outbox is the engine's.
final class EngineSession: Sendable {
    let id: String
    /// Who the handshake request was signed in as (header, cookie or `?token=`), used by a CONNECT without a token.
    let handshakePrincipal: Principal
    private let limits: SocketIOLimits
    /// Takes the session out of the server's table once it closes, whoever closed it.
    private let forget: @Sendable (String) -> Void

    struct Joined: Sendable {
        var principal: Principal
        var socketID: String
    }

    typealias AckHandler = @Sendable ([JSON]) -> Void

    private struct State {
        var socket: (any WebSocketConnection)?
        /// A probe arrived on a WebSocket: the poll in flight is answered a noop, and the upgrade follows.
        var upgrading = false
        var queue: [String] = []
        var queueBytes = 0
        var waiter: CheckedContinuation<[String]?, Never>?
        var waiterSince: ContinuousClock.Instant?
        var lastPing: ContinuousClock.Instant
        var awaitingPong = false
        let created: ContinuousClock.Instant
        var namespaces: [String: Joined] = [:]
        var nextAck = 0
        var acks: [Int: AckHandler] = [:]
        var closed = false
    }
    private let state: Mutex<State>

    init(
        id: String, principal: Principal, limits: SocketIOLimits, socket: (any WebSocketConnection)?, now: ContinuousClock.Instant,
        forget: @escaping @Sendable (String) -> Void
    ) {
        self.id = id
        self.forget = forget
        self.handshakePrincipal = principal
        self.limits = limits
        state = Mutex(State(socket: socket, lastPing: now, created: now))
    }

    var isClosed: Bool { state.withLock { $0.closed } }
    var isWebSocket: Bool { state.withLock { $0.socket != nil && !$0.upgrading } }

    // MARK: Sending

    /// Queues or writes one encoded Engine.IO packet; false when the session is gone (or was just
    /// dropped for falling behind).
    @discardableResult func send(_ packet: String) -> Bool {
        enum Outcome { case sent, socket(any WebSocketConnection), woke(CheckedContinuation<[String]?, Never>, [String]), gone, overflow }
        let outcome: Outcome = state.withLock { state in
            guard !state.closed else { return .gone }
            if let socket = state.socket, !state.upgrading { return .socket(socket) }
            if state.queue.count >= limits.queuePackets || state.queueBytes + packet.utf8.count > limits.queueBytes { return .overflow }
            state.queue.append(packet)
            state.queueBytes += packet.utf8.count
            guard let waiter = state.waiter, !state.upgrading else { return .sent }
            state.waiter = nil
            state.waiterSince = nil
            return .woke(waiter, drain(&state))
        }
        switch outcome {
        case .sent: return true
        case .socket(let socket):
            if socket.send(text: packet) { return true }
            close()
            return false
        case .woke(let waiter, let packets):
            waiter.resume(returning: packets)
            return true
        case .gone: return false
        case .overflow:
            close()
            return false
        }
    }

    private func drain(_ state: inout State) -> [String] {
        defer {
            state.queue = []
            state.queueBytes = 0
        }
        return state.queue
    }

    // MARK: Polling

    enum PollError: Error { case concurrent, notPolling }

    /// The packets for a polling GET: those queued, or the next ones (a noop after `pollWait`, the
    /// sweeper's doing); nil when the session closed.
    func poll() async throws(PollError) -> [String]? {
        enum Immediate { case packets([String]?), error(PollError) }
        let immediate: Immediate? = state.withLock { state in
            if state.closed { return .packets(nil) }
            if state.socket != nil && !state.upgrading { return .error(.notPolling) }
            if state.waiter != nil { return .error(.concurrent) }
            if !state.queue.isEmpty && !state.upgrading { return .packets(drain(&state)) }
            return nil
        }
        switch immediate {
        case .packets(let packets): return packets
        case .error(let error): throw error
        case nil: break
        }
        return await withCheckedContinuation { (continuation: CheckedContinuation<[String]?, Never>) in
            let answer: [String]?? = state.withLock { state in
                if state.closed { return .some(nil) }
                if state.waiter != nil { return .some(["6"]) }
                if !state.queue.isEmpty && !state.upgrading { return .some(drain(&state)) }
                state.waiter = continuation
                state.waiterSince = .now
                return .none
            }
            if let answer { continuation.resume(returning: answer) }
        }
    }

    // MARK: Upgrade

    /// A WebSocket sent `2probe`: the poll in flight is answered a noop so the client can pause polling.
    func beginUpgrade(_ socket: any WebSocketConnection) {
        let waiter: CheckedContinuation<[String]?, Never>? = state.withLock { state in
            state.upgrading = true
            state.socket = socket
            defer {
                state.waiter = nil
                state.waiterSince = nil
            }
            return state.waiter
        }
        waiter?.resume(returning: ["6"])
    }

    /// The client sent `5`: from now on packets go over the WebSocket, starting with those queued.
    func completeUpgrade() {
        let (socket, queued, waiter) = state.withLock { state in
            state.upgrading = false
            defer {
                state.waiter = nil
                state.waiterSince = nil
            }
            return (state.socket, drain(&state), state.waiter)
        }
        // A poll still open is answered a noop: the client has moved on.
        waiter?.resume(returning: ["6"])
        guard let socket else { return }
        for packet in queued where !socket.send(text: packet) {
            close()
            return
        }
    }

    var isUpgrading: Bool { state.withLock { $0.upgrading } }

    // MARK: Heartbeat and timers

    func heardPong() {
        state.withLock { $0.awaitingPong = false }
    }

    enum Tick { case fine, ping, expired }

    /// What the sweeper does with this session now: ping it, close it (no pong, no namespace joined in
    /// time), or leave it; a poll that waited `pollWait` is answered a noop here.
    func tick(now: ContinuousClock.Instant) -> Tick {
        let (verdict, waiter): (Tick, CheckedContinuation<[String]?, Never>?) = state.withLock { state in
            var waiter: CheckedContinuation<[String]?, Never>?
            if let since = state.waiterSince, now - since >= limits.pollWait {
                waiter = state.waiter
                state.waiter = nil
                state.waiterSince = nil
            }
            if state.closed { return (.expired, waiter) }
            if state.awaitingPong {
                return (now - state.lastPing > limits.pingTimeout ? .expired : .fine, waiter)
            }
            if state.namespaces.isEmpty && now - state.created > limits.connectTimeout { return (.expired, waiter) }
            if now - state.lastPing >= limits.pingInterval {
                state.lastPing = now
                state.awaitingPong = true
                return (.ping, waiter)
            }
            return (.fine, waiter)
        }
        waiter?.resume(returning: ["6"])
        return verdict
    }

    /// Ends the session: a waiting poll gets nil, a WebSocket is closed, later sends are refused.
    func close() {
        let (waiter, socket): (CheckedContinuation<[String]?, Never>?, (any WebSocketConnection)?) = state.withLock { state in
            guard !state.closed else { return (nil, nil) }
            state.closed = true
            state.namespaces = [:]
            state.acks = [:]
            defer {
                state.waiter = nil
                state.waiterSince = nil
                state.queue = []
                state.queueBytes = 0
            }
            return (state.waiter, state.socket)
        }
        waiter?.resume(returning: nil)
        socket?.close(code: 1000)
        forget(id)
    }

    // MARK: Namespaces and acknowledgements

    func joined(_ namespace: String) -> Joined? { state.withLock { $0.namespaces[namespace] } }

    /// Joins `namespace` unless closed; false when it was.
    func join(_ namespace: String, _ joined: Joined) -> Bool {
        state.withLock { state in
            guard !state.closed else { return false }
            state.namespaces[namespace] = joined
            return true
        }
    }

    func leave(_ namespace: String) {
        _ = state.withLock { $0.namespaces.removeValue(forKey: namespace) }
    }

    /// Namespaces joined by the user `userID`.
    func joins(of userID: String) -> Int {
        state.withLock { state in state.namespaces.values.count { $0.principal.user?.id == userID } }
    }

    /// Registers a handler for the client's ack; its id, or nil when too many are pending.
    func expectAck(_ handler: @escaping AckHandler) -> Int? {
        state.withLock { state in
            guard !state.closed, state.acks.count < limits.pendingAcks else { return nil }
            state.nextAck += 1
            state.acks[state.nextAck] = handler
            return state.nextAck
        }
    }

    func takeAck(_ id: Int) -> AckHandler? {
        state.withLock { $0.acks.removeValue(forKey: id) }
    }
}
