internal import CMicroHTTPD
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A WebSocket on a socket libmicrohttpd handed over after the upgrade. A reader thread of its own
/// parses frames (answers pings, reassembles fragments, bounds message size, pings an idle client);
/// `send` writes under a lock. When the reader ends, the socket goes back to libmicrohttpd to close.
final class UpgradedWebSocket: WebSocketConnection, @unchecked Sendable {
    private let fd: Int32
    private let handle: ConnectionHandle
    private let maxMessage: Int
    private let pingSeconds: Int
    private let onEnd: @Sendable (UpgradedWebSocket) -> Void

    private struct Writer { var closed = false }
    private let writer = Mutex(Writer())

    private struct Inbox {
        var messages: [String] = []
        var finished = false
        var waiter: CheckedContinuation<String?, Never>?
    }
    private let inbox = Mutex(Inbox())

    init(
        fd: Int32, upgradeHandle: OpaquePointer, maxMessage: Int, pingSeconds: Int,
        onEnd: @escaping @Sendable (UpgradedWebSocket) -> Void
    ) {
        self.fd = fd
        self.handle = ConnectionHandle(pointer: upgradeHandle)
        self.maxMessage = maxMessage
        self.pingSeconds = max(1, pingSeconds)
        self.onEnd = onEnd
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK)
        // A client that stops reading cannot block a sender for long.
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Starts the reader thread; `initial` holds bytes libmicrohttpd read past the handshake.
    func start(initial: [UInt8]) {
        ServerThread.start { self.readLoop(initial) }
    }

    @discardableResult func send(text: String) -> Bool {
        write(WebSocketFrame.encode(opcode: WebSocketFrame.text, payload: Array(text.utf8)))
    }

    func receive() async -> String? {
        await withCheckedContinuation { continuation in
            let immediate: String?? = inbox.withLock { box in
                if !box.messages.isEmpty { return .some(box.messages.removeFirst()) }
                if box.finished { return .some(nil) }
                precondition(box.waiter == nil, "one receiver at a time")
                box.waiter = continuation
                return .none
            }
            if let immediate { continuation.resume(returning: immediate) }
        }
    }

    func close(code: UInt16) {
        write(WebSocketFrame.encode(opcode: WebSocketFrame.close, payload: [UInt8(code >> 8), UInt8(code & 0xFF)]))
        writer.withLock { state in
            if !state.closed { _ = shutdown(fd, Int32(SHUT_RDWR)) }
        }
    }

    @discardableResult private func write(_ bytes: [UInt8]) -> Bool {
        writer.withLock { state in
            guard !state.closed else { return false }
            var offset = 0
            while offset < bytes.count {
                let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return false }
                offset += n
            }
            return true
        }
    }

    private func deliver(_ message: String?) {
        let waiter: CheckedContinuation<String?, Never>? = inbox.withLock { box in
            if let waiter = box.waiter {
                box.waiter = nil
                if message == nil { box.finished = true }
                return waiter
            }
            if let message { box.messages.append(message) } else { box.finished = true }
            return nil
        }
        waiter?.resume(returning: message)
    }

    private func readLoop(_ initial: [UInt8]) {
        var buffer = initial
        var fragments: [UInt8] = []
        var fragmenting = false
        var silentIntervals = 0
        var chunk = [UInt8](repeating: 0, count: 16 << 10)
        loop: while true {
            while true {
                switch WebSocketFrame.parse(buffer[...], maxPayload: maxMessage) {
                case .needMore:
                    break
                case .violation(let code, _):
                    close(code: code)
                    break loop
                case .frame(let frame, let consumed):
                    buffer.removeFirst(consumed)
                    switch frame.opcode {
                    case WebSocketFrame.ping:
                        write(WebSocketFrame.encode(opcode: WebSocketFrame.pong, payload: frame.payload))
                    case WebSocketFrame.pong:
                        break
                    case WebSocketFrame.close:
                        let code: UInt16 = frame.payload.count >= 2 ? UInt16(frame.payload[0]) << 8 | UInt16(frame.payload[1]) : 1000
                        close(code: code == 1005 || code == 1006 ? 1000 : code)
                        break loop
                    case WebSocketFrame.text, WebSocketFrame.binary, WebSocketFrame.continuation:
                        if frame.opcode == WebSocketFrame.continuation ? !fragmenting : fragmenting {
                            close(code: 1002)
                            break loop
                        }
                        fragments.append(contentsOf: frame.payload)
                        fragmenting = !frame.fin
                        if fragments.count > maxMessage {
                            close(code: 1009)
                            break loop
                        }
                        if frame.fin {
                            deliver(String(decoding: fragments, as: UTF8.self))
                            fragments = []
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
                if silentIntervals >= 2 { close(code: 1001); break }
                write(WebSocketFrame.encode(opcode: WebSocketFrame.ping, payload: []))
                continue
            }
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            silentIntervals = 0
            buffer.append(contentsOf: chunk[0..<n])
        }
        writer.withLock { $0.closed = true }
        deliver(nil)
        _ = cmhd_upgrade_close(handle.pointer)
        onEnd(self)
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
