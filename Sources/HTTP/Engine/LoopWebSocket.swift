import Core
import Synchronization

/// A WebSocket served on its connection's event loop: no thread of its own. The loop feeds it the bytes
/// it reads (frames parsed, pings answered, fragments reassembled, UTF-8 and close codes checked) and
/// pings an idle client. Both directions are bounded: `send` only queues and wakes the loop (a publisher
/// never waits on a client), and a client that stops reading (outbox full) or floods messages nobody
/// reads (inbox full) is closed with 1008.
final class LoopWebSocket: WebSocketConnection, @unchecked Sendable {
    private let ref: ConnectionRef
    private let limits: WebSocketLimits

    private struct Outbox {
        var frames: [[UInt8]] = []
        var bytes = 0
        /// A close frame is queued: nothing more is accepted, and the connection closes after it.
        var closing = false
        /// The connection is gone.
        var closed = false
    }
    private let outbox = Mutex(Outbox())

    private struct Inbox {
        var messages: [String] = []
        var bytes = 0
        var finished = false
        var waiter: CheckedContinuation<String?, Never>?
    }
    private let inbox = Mutex(Inbox())

    // Loop thread only.
    private var buffer: [UInt8] = []
    private var fragments: [UInt8] = []
    private var fragmentOpcode: UInt8?
    private var lastHeard: UInt64
    private var silentIntervals = 0
    /// The client's close arrived or a violation ended reading: later bytes are dropped.
    private var readingDone = false

    init(ref: ConnectionRef, limits: WebSocketLimits, now: UInt64) {
        self.ref = ref
        self.limits = limits
        self.lastHeard = now
    }

    // MARK: WebSocketConnection (any thread)

    @discardableResult func send(text: String) -> Bool {
        enqueue(WebSocketFrame.encode(opcode: WebSocketFrame.text, payload: Array(text.utf8)))
    }

    func receive() async -> String? {
        await withCheckedContinuation { continuation in
            let immediate: String?? = inbox.withLock { box in
                if !box.messages.isEmpty {
                    let message = box.messages.removeFirst()
                    box.bytes -= message.utf8.count
                    return .some(message)
                }
                if box.finished { return .some(nil) }
                precondition(box.waiter == nil, "one receiver at a time")
                box.waiter = continuation
                return .none
            }
            if let immediate { continuation.resume(returning: immediate) }
        }
    }

    /// Queues a close frame with `code`; the connection closes once it is written. Never blocks.
    func close(code: UInt16) {
        if queueClose(code: code) { ref.wake() }
    }

    /// Puts the close frame in the outbox unless one is queued or the connection is gone; true when it did.
    @discardableResult private func queueClose(code: UInt16) -> Bool {
        let frame = WebSocketFrame.encode(opcode: WebSocketFrame.close, payload: [UInt8(code >> 8), UInt8(code & 0xFF)])
        return outbox.withLock { box in
            guard !box.closing, !box.closed else { return false }
            box.closing = true
            box.frames.append(frame)
            box.bytes += frame.count
            return true
        }
    }

    /// Adds a frame to the outbox; past its limits the connection is closed with 1008 instead.
    @discardableResult private func enqueue(_ frame: [UInt8]) -> Bool {
        enum Outcome { case queued, refused, overflowed }
        let outcome: Outcome = outbox.withLock { box in
            guard !box.closing, !box.closed else { return .refused }
            if box.frames.count >= limits.outboxMessages || box.bytes + frame.count > limits.outboxBytes { return .overflowed }
            box.frames.append(frame)
            box.bytes += frame.count
            return .queued
        }
        switch outcome {
        case .queued:
            ref.wake()
            return true
        case .refused:
            return false
        case .overflowed:
            close(code: 1008)
            return false
        }
    }

    // MARK: The loop's side

    /// Moves queued frames into `output` as long as they fit in `limit` bytes (one frame always fits an
    /// empty output); true once the close frame has been moved (the connection closes after writing it).
    /// What does not fit stays in the bounded outbox, so a client that stops reading fills that.
    func moveFrames(into output: inout [UInt8], limit: Int) -> Bool {
        outbox.withLock { box in
            var moved = 0
            for frame in box.frames {
                if !output.isEmpty && output.count + frame.count > limit { break }
                output.append(contentsOf: frame)
                box.bytes -= frame.count
                moved += 1
            }
            box.frames.removeFirst(moved)
            return box.closing && box.frames.isEmpty
        }
    }

    /// The connection ended: the receiver sees the end, senders are refused, the registry forgets it.
    func peerClosed() {
        let first = outbox.withLock { box in
            defer { box.closed = true }
            return !box.closed
        }
        guard first else { return }
        _ = deliver(nil)
        ref.loop.core.webSockets.remove(self)
    }

    /// Pings a silent client every interval; two silent intervals close it (1001). True when a frame was queued.
    func tick(now: UInt64, pingNanoseconds: UInt64) -> Bool {
        guard now &- lastHeard >= pingNanoseconds else { return false }
        lastHeard = now
        silentIntervals += 1
        if silentIntervals >= 2 {
            queueClose(code: 1001)
        } else {
            _ = pushFrame(WebSocketFrame.encode(opcode: WebSocketFrame.ping, payload: []))
        }
        return true
    }

    /// Bytes the loop read: parses every complete frame and acts on it.
    func received(_ bytes: UnsafeBufferPointer<UInt8>, now: UInt64) {
        guard !readingDone else { return }
        lastHeard = now
        silentIntervals = 0
        buffer.append(contentsOf: bytes)
        var consumed = 0
        parsing: while !readingDone {
            switch WebSocketFrame.parse(buffer[consumed...], maxPayload: limits.maxMessage) {
            case .needMore:
                break parsing
            case .violation(let code, _):
                finishReading(code)
            case .frame(let frame, let used):
                consumed += used
                handle(frame)
            }
        }
        if readingDone {
            buffer = []
        } else if consumed > 0 {
            buffer.removeFirst(consumed)
        }
    }

    private func handle(_ frame: WebSocketFrame) {
        switch frame.opcode {
        case WebSocketFrame.ping:
            _ = pushFrame(WebSocketFrame.encode(opcode: WebSocketFrame.pong, payload: frame.payload))
        case WebSocketFrame.pong:
            break
        case WebSocketFrame.close:
            finishReading(Self.closeReply(to: frame.payload))
        case WebSocketFrame.text, WebSocketFrame.binary, WebSocketFrame.continuation:
            if frame.opcode == WebSocketFrame.continuation ? fragmentOpcode == nil : fragmentOpcode != nil {
                return finishReading(1002)
            }
            let opcode = fragmentOpcode ?? frame.opcode
            fragments.append(contentsOf: frame.payload)
            fragmentOpcode = frame.fin ? nil : opcode
            if fragments.count > limits.maxMessage { return finishReading(1009) }
            guard frame.fin else { return }
            // The API speaks JSON text only: binary data is refused (1003), text must be UTF-8 (1007).
            guard opcode == WebSocketFrame.text else { return finishReading(1003) }
            guard let message = String(validating: fragments, as: UTF8.self) else { return finishReading(1007) }
            fragments = []
            if !deliver(message) { finishReading(1008) }
        default:
            finishReading(1002)
        }
    }

    /// Reading ends with a close frame; from the loop's own thread, which moves it without a wake-up.
    private func finishReading(_ code: UInt16) {
        readingDone = true
        queueClose(code: code)
    }

    /// A control frame the loop itself answers with (pong, ping): queued even when the outbox is near
    /// its bound, since it is small and a client must get it.
    private func pushFrame(_ frame: [UInt8]) -> Bool {
        outbox.withLock { box in
            guard !box.closing, !box.closed else { return false }
            box.frames.append(frame)
            box.bytes += frame.count
            return true
        }
    }

    /// Hands a message to the receiver; false when too much is waiting unread.
    private func deliver(_ message: String?) -> Bool {
        let (waiter, accepted): (CheckedContinuation<String?, Never>?, Bool) = inbox.withLock { box in
            if let waiter = box.waiter {
                box.waiter = nil
                if message == nil { box.finished = true }
                return (waiter, true)
            }
            guard let message else {
                box.finished = true
                return (nil, true)
            }
            let size = message.utf8.count
            if box.messages.count >= limits.inboxMessages || box.bytes + size > limits.inboxBytes { return (nil, false) }
            box.messages.append(message)
            box.bytes += size
            return (nil, true)
        }
        waiter?.resume(returning: message)
        return accepted
    }

    /// What a client's close frame asks for: its code echoed when valid (RFC 6455 §7.4), 1002 for a
    /// code no endpoint may send or a one-byte payload, 1007 for a reason that is not UTF-8.
    static func closeReply(to payload: [UInt8]) -> UInt16 {
        if payload.isEmpty { return 1000 }
        if payload.count == 1 { return 1002 }
        let code = UInt16(payload[0]) << 8 | UInt16(payload[1])
        let valid = (1000...1003).contains(code) || (1007...1014).contains(code) || (3000...4999).contains(code)
        guard valid else { return 1002 }
        guard String(validating: payload[2...], as: UTF8.self) != nil else { return 1007 }
        return code
    }
}

/// How much a WebSocket may hold in each direction.
struct WebSocketLimits: Sendable {
    /// Largest message after reassembling fragments (1009 past it).
    var maxMessage: Int
    /// Messages received and not yet read by the route's handler (1008 past it).
    var inboxMessages = 64
    var inboxBytes: Int
    /// Frames queued for the client and not yet written (1008 past it: the client is not reading).
    var outboxMessages = 256
    var outboxBytes: Int

    init(maxMessage: Int) {
        self.maxMessage = maxMessage
        inboxBytes = max(maxMessage * 2, 1 << 20)
        outboxBytes = max(maxMessage * 2, 4 << 20)
    }
}

/// Open WebSocket connections, so that shutdown closes them before the loops stop.
final class WebSocketRegistry: Sendable {
    private let open = Mutex<[ObjectIdentifier: LoopWebSocket]>([:])

    func add(_ socket: LoopWebSocket) {
        open.withLock { $0[ObjectIdentifier(socket)] = socket }
    }

    func remove(_ socket: LoopWebSocket) {
        _ = open.withLock { $0.removeValue(forKey: ObjectIdentifier(socket)) }
    }

    var count: Int { open.withLock { $0.count } }

    /// Sends each a close frame (1001, going away) and waits up to a second for them to end.
    func closeAll() async {
        let sockets = open.withLock { Array($0.values) }
        for socket in sockets { socket.close(code: 1001) }
        for _ in 0..<50 where count > 0 {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}
