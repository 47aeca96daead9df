internal import CMicroHTTPD
import Core
import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A WebSocket on a socket libmicrohttpd handed over after the upgrade. A reader thread of its own
/// parses frames (answers pings, reassembles fragments, checks UTF-8 and close codes, pings an idle
/// client). Both directions are bounded: `send` only queues (a publisher never waits on a client) and a
/// serial queue writes; a client that stops reading (outbox full) or floods messages nobody reads
/// (inbox full) is closed with 1008. When the reader ends, the socket goes back to libmicrohttpd.
final class UpgradedWebSocket: WebSocketConnection, @unchecked Sendable {
    private let fd: Int32
    private let handle: ConnectionHandle
    private let limits: WebSocketLimits
    private let pingSeconds: Int
    private let onEnd: @Sendable (UpgradedWebSocket) -> Void

    private struct Outbox {
        var frames: [[UInt8]] = []
        var bytes = 0
        var writing = false
        /// A close frame is queued: nothing more is accepted, and the socket shuts down after it.
        var closing = false
        /// The socket failed or was shut down.
        var closed = false
    }
    private let outbox = Mutex(Outbox())
    private let writeQueue = DispatchQueue(label: "applianced.websocket.write")

    private struct Inbox {
        var messages: [String] = []
        var bytes = 0
        var finished = false
        var waiter: CheckedContinuation<String?, Never>?
    }
    private let inbox = Mutex(Inbox())

    init(
        fd: Int32, upgradeHandle: OpaquePointer, limits: WebSocketLimits, pingSeconds: Int,
        onEnd: @escaping @Sendable (UpgradedWebSocket) -> Void
    ) {
        self.fd = fd
        self.handle = ConnectionHandle(pointer: upgradeHandle)
        self.limits = limits
        self.pingSeconds = max(1, pingSeconds)
        self.onEnd = onEnd
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK)
        // A client that stops reading holds the writer for at most this long per write.
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Starts the reader thread; `initial` holds bytes libmicrohttpd read past the handshake.
    func start(initial: [UInt8]) {
        DetachedThread.start { self.readLoop(initial) }
    }

    /// Queues a text frame and returns at once; false when the connection is closed or closing, or
    /// when this message overflowed the outbox (the connection is then closed with 1008).
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

    /// Queues a close frame with `code`; the socket shuts down once it is written. Never blocks.
    func close(code: UInt16) {
        let frame = WebSocketFrame.encode(opcode: WebSocketFrame.close, payload: [UInt8(code >> 8), UInt8(code & 0xFF)])
        let startWriter: Bool = outbox.withLock { box in
            guard !box.closing, !box.closed else { return false }
            box.closing = true
            box.frames.append(frame)
            box.bytes += frame.count
            defer { box.writing = true }
            return !box.writing
        }
        if startWriter { writeQueue.async { self.drain() } }
    }

    /// Adds a frame to the outbox; past its limits the connection is closed with 1008 instead.
    @discardableResult private func enqueue(_ frame: [UInt8]) -> Bool {
        enum Outcome { case queued(startWriter: Bool), refused, overflowed }
        let outcome: Outcome = outbox.withLock { box in
            guard !box.closing, !box.closed else { return .refused }
            if box.frames.count >= limits.outboxMessages || box.bytes + frame.count > limits.outboxBytes { return .overflowed }
            box.frames.append(frame)
            box.bytes += frame.count
            defer { box.writing = true }
            return .queued(startWriter: !box.writing)
        }
        switch outcome {
        case .queued(let startWriter):
            if startWriter { writeQueue.async { self.drain() } }
            return true
        case .refused:
            return false
        case .overflowed:
            close(code: 1008)
            return false
        }
    }

    /// Writes queued frames until the outbox is empty; runs on `writeQueue` only.
    private func drain() {
        while true {
            let (frames, closing): ([[UInt8]], Bool) = outbox.withLock { box in
                if box.frames.isEmpty || box.closed {
                    box.writing = false
                    box.frames = []
                    box.bytes = 0
                    return ([], box.closing)
                }
                defer {
                    box.frames = []
                    box.bytes = 0
                }
                return (box.frames, false)
            }
            if frames.isEmpty {
                if closing { shutDown() }
                return
            }
            for frame in frames where !writeAll(frame) {
                shutDown()
                break
            }
        }
    }

    private func writeAll(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    /// Ends both directions; the reader sees the end and hands the socket back.
    private func shutDown() {
        let first = outbox.withLock { box in
            defer { box.closed = true }
            return !box.closed
        }
        if first { _ = shutdown(fd, Int32(SHUT_RDWR)) }
    }

    /// Hands a message to the receiver; false when too much is waiting unread (the caller closes 1008).
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

    private func readLoop(_ initial: [UInt8]) {
        var buffer = initial
        var fragments: [UInt8] = []
        var fragmentOpcode: UInt8?
        var silentIntervals = 0
        var chunk = [UInt8](repeating: 0, count: 16 << 10)
        loop: while true {
            while true {
                switch WebSocketFrame.parse(buffer[...], maxPayload: limits.maxMessage) {
                case .needMore:
                    break
                case .violation(let code, _):
                    close(code: code)
                    break loop
                case .frame(let frame, let consumed):
                    buffer.removeFirst(consumed)
                    switch frame.opcode {
                    case WebSocketFrame.ping:
                        enqueue(WebSocketFrame.encode(opcode: WebSocketFrame.pong, payload: frame.payload))
                    case WebSocketFrame.pong:
                        break
                    case WebSocketFrame.close:
                        close(code: Self.closeReply(to: frame.payload))
                        break loop
                    case WebSocketFrame.text, WebSocketFrame.binary, WebSocketFrame.continuation:
                        if frame.opcode == WebSocketFrame.continuation ? fragmentOpcode == nil : fragmentOpcode != nil {
                            close(code: 1002)
                            break loop
                        }
                        let opcode = fragmentOpcode ?? frame.opcode
                        fragments.append(contentsOf: frame.payload)
                        fragmentOpcode = frame.fin ? nil : opcode
                        if fragments.count > limits.maxMessage {
                            close(code: 1009)
                            break loop
                        }
                        guard frame.fin else { continue }
                        // The API speaks JSON text only: binary data is refused (1003), text must be UTF-8 (1007).
                        guard opcode == WebSocketFrame.text else {
                            close(code: 1003)
                            break loop
                        }
                        guard let message = String(validating: fragments, as: UTF8.self) else {
                            close(code: 1007)
                            break loop
                        }
                        fragments = []
                        guard deliver(message) else {
                            close(code: 1008)
                            break loop
                        }
                    default:
                        close(code: 1002)
                        break loop
                    }
                    continue
                }
                break
            }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(pingSeconds * 1000))
            if ready < 0 && errno == EINTR { continue }
            if ready == 0 {
                silentIntervals += 1
                if silentIntervals >= 2 {
                    close(code: 1001)
                    break
                }
                enqueue(WebSocketFrame.encode(opcode: WebSocketFrame.ping, payload: []))
                continue
            }
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            silentIntervals = 0
            buffer.append(contentsOf: chunk[0..<n])
        }
        // Let the close frame go out (the writer shuts the socket down after it), then hand the socket back.
        writeQueue.sync {}
        shutDown()
        _ = deliver(nil)
        _ = cmhd_upgrade_close(handle.pointer)
        onEnd(self)
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

/// Upgraded WebSocket connections still open, so that shutdown closes them before `MHD_stop_daemon`.
final class WebSocketRegistry: Sendable {
    private let open = Mutex<[ObjectIdentifier: UpgradedWebSocket]>([:])

    func add(_ socket: UpgradedWebSocket) {
        open.withLock { $0[ObjectIdentifier(socket)] = socket }
    }

    func remove(_ socket: UpgradedWebSocket) {
        _ = open.withLock { $0.removeValue(forKey: ObjectIdentifier(socket)) }
    }

    var count: Int { open.withLock { $0.count } }

    /// Sends each a close frame (1001, going away) and waits up to a second for their readers to end.
    func closeAll() async {
        let sockets = open.withLock { Array($0.values) }
        for socket in sockets { socket.close(code: 1001) }
        for _ in 0..<50 where count > 0 {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}
