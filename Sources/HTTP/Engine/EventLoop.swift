internal import CEpoll
import Core
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// One event loop: a thread with its own epoll set, listening socket and connections. It never blocks
/// on a handler, a disk or a lock held by one: `.async` answers, WebSocket sends and shutdown commands
/// arrive through `mailbox` and an eventfd that wakes it. Timers are one sweep of its connections a few
/// times a second (head, body, idle and linger deadlines, WebSocket pings).
final class EventLoop: @unchecked Sendable {
    let core: ServerCore
    let quota: ConnectionQuota
    private let epollFD: Int32
    private let wakeFD: Int32
    /// The server's listening socket (it closes it); -1 once this loop stopped accepting.
    private var listenFD: Int32
    /// Loop 0 also answers overdue `.async` handlers 504 (the handler time limit).
    private let keepsHandlerTimeLimit: Bool

    private enum Command {
        case stopAccepting
        case shutDown
    }

    private struct Mailbox {
        var ready: [(fd: Int32, id: UInt64)] = []
        var commands: [Command] = []
        var signalled = false
    }
    private let mailbox = Mutex(Mailbox())
    private let exited = Atomic<Bool>(false)
    private let acceptStopped = Atomic<Bool>(false)

    // Loop thread only from here on.
    private var connections: [Int32: Connection] = [:]
    private var nextID: UInt64 = 0
    private var running = true
    private let scratch = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 64 << 10)
    private var events = [epoll_event](repeating: epoll_event(), count: 256)
    private var dateLine: [UInt8] = []
    private var dateSecond = -1
    private var lastSweep: UInt64 = 0
    private var accessLines: [(level: LogLevel, message: String)] = []
    let settings: EngineSettings

    private static let listenerTag: UInt64 = .max
    private static let wakeTag: UInt64 = .max - 1

    init(core: ServerCore, quota: ConnectionQuota, listenFD: Int32, keepsHandlerTimeLimit: Bool) throws(ServerError) {
        self.core = core
        self.quota = quota
        self.listenFD = listenFD
        self.keepsHandlerTimeLimit = keepsHandlerTimeLimit
        self.settings = EngineSettings(core.configuration)
        epollFD = epoll_create1(Int32(EPOLL_CLOEXEC))
        wakeFD = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        guard epollFD >= 0, wakeFD >= 0 else { throw ServerError(description: "cannot create an epoll loop: \(String(cString: strerror(errno)))") }
        register(listenFD, tag: Self.listenerTag, events: EPOLLIN.rawValue | EPOLLEXCLUSIVE.rawValue)
        register(wakeFD, tag: Self.wakeTag, events: EPOLLIN.rawValue)
    }

    deinit {
        scratch.deallocate()
    }

    func start() -> Bool {
        DetachedThread.start { self.run() }
    }

    var hasExited: Bool { exited.load(ordering: .acquiring) }
    /// The loop no longer waits on the listening socket (the server may close it).
    var hasStoppedAccepting: Bool { acceptStopped.load(ordering: .acquiring) || hasExited }

    // MARK: From other threads

    /// Wakes the loop to look at a connection again (an `.async` answer, a WebSocket frame to send).
    func post(fd: Int32, id: UInt64) {
        let wake = mailbox.withLock { box in
            box.ready.append((fd, id))
            defer { box.signalled = true }
            return !box.signalled
        }
        if wake { signal() }
    }

    func stopAccepting() { send(.stopAccepting) }
    func shutDown() { send(.shutDown) }

    private func send(_ command: Command) {
        let wake = mailbox.withLock { box in
            box.commands.append(command)
            defer { box.signalled = true }
            return !box.signalled
        }
        if wake { signal() }
    }

    private func signal() {
        var one: UInt64 = 1
        _ = write(wakeFD, &one, 8)
    }

    // MARK: The loop

    private func run() {
        while running {
            let timeout = Int32(settings.sweepMilliseconds)
            let count = events.withUnsafeMutableBufferPointer { epoll_wait(epollFD, $0.baseAddress, Int32($0.count), timeout) }
            let now = monotonicNanoseconds()
            refreshDate()
            if count > 0 {
                for index in 0..<Int(count) {
                    let event = events[index]
                    switch event.data.u64 {
                    case Self.listenerTag: acceptAll(now)
                    case Self.wakeTag: readMailbox(now)
                    default: handle(fd: Int32(truncatingIfNeeded: event.data.u64), events: event.events, now)
                    }
                }
            }
            if now &- lastSweep >= settings.sweepNanoseconds {
                lastSweep = now
                sweep(now)
            }
            flushAccessLog()
        }
        for connection in Array(connections.values) { close(connection) }
        flushAccessLog()
        Glibc.close(wakeFD)
        Glibc.close(epollFD)
        exited.store(true, ordering: .releasing)
    }

    private func refreshDate() {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let second = Int(now.tv_sec)
        if second != dateSecond {
            dateSecond = second
            dateLine = ResponseWriter.dateLine(epochSeconds: second)
        }
    }

    private func readMailbox(_ now: UInt64) {
        var counter: UInt64 = 0
        _ = read(wakeFD, &counter, 8)
        let (ready, commands) = mailbox.withLock { box in
            defer {
                box.ready = []
                box.commands = []
                box.signalled = false
            }
            return (box.ready, box.commands)
        }
        for command in commands {
            switch command {
            case .stopAccepting:
                if listenFD >= 0 {
                    _ = epoll_ctl(epollFD, EPOLL_CTL_DEL, listenFD, nil)
                    listenFD = -1
                }
                acceptStopped.store(true, ordering: .releasing)
            case .shutDown:
                running = false
            }
        }
        for (fd, id) in ready {
            guard let connection = connections[fd], connection.id == id, !connection.closed else { continue }
            switch connection.phase {
            case .handling(let state):
                guard let response = state.takeDelivered() else { continue }
                answer(connection, state, response, now)
                processInput(connection, now)
            case .webSocket(let socket):
                pullFrames(connection, socket)
            default:
                continue
            }
            flush(connection, now)
        }
    }

    // MARK: Accepting

    /// Takes a couple of connections per wake-up: the other loops, woken for the rest, share them out.
    private func acceptAll(_ now: UInt64) {
        guard listenFD >= 0 else { return }
        for _ in 0..<2 {
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let fd = withUnsafeMutableBytes(of: &storage) { raw in
                accept4(listenFD, raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), &length, Int32(SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue))
            }
            guard fd >= 0 else { return }
            let address = Listener.addressText(&storage)
            let admission = quota.admit(address)
            if admission == .refused {
                refuseAtOnce(fd)
                continue
            }
            var one: Int32 = 1
            _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            nextID &+= 1
            let connection = Connection(fd: fd, id: nextID, address: address, admission: admission)
            // A new connection that sends nothing is idle; once its head starts, the head deadline runs.
            connection.deadline = now + (admission == .restricted ? settings.restrictedHeadNanoseconds : settings.idleNanoseconds)
            connection.lastWriteProgress = now
            connections[fd] = connection
            updateInterest(connection)
        }
    }

    /// Over every limit and the reserve: a well-formed 503 right away, then the close.
    private func refuseAtOnce(_ fd: Int32) {
        let error = HTTPError(
            status: 503, code: "TOO_MANY_CONNECTIONS", message: "Too many open connections", detail: "Try again in a few seconds",
            headers: [("Retry-After", "5")])
        var output: [UInt8] = []
        let requestID = core.ids.fresh()
        ResponseWriter.append(
            ErrorResponder.response(for: error, requestID: requestID),
            framing: .init(requestID: requestID, headOnly: false, close: true, minorVersion: 1), date: dateLine, to: &output)
        _ = output.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        _ = shutdown(fd, Int32(SHUT_WR))
        Glibc.close(fd)
        accessLines.append((.warning, "Refused a connection: over the connection limits and their reserve (id=\(requestID))"))
    }

    // MARK: Reading

    private func handle(fd: Int32, events: UInt32, _ now: UInt64) {
        guard let connection = connections[fd] else { return }
        if events & (EPOLLERR.rawValue | EPOLLHUP.rawValue) != 0 && events & EPOLLIN.rawValue == 0 {
            close(connection)
            return
        }
        if events & EPOLLOUT.rawValue != 0 {
            flush(connection, now)
            if connection.closed { return }
        }
        if events & EPOLLIN.rawValue != 0 {
            receive(connection, now)
        }
    }

    private func receive(_ connection: Connection, _ now: UInt64) {
        let count = recv(connection.fd, scratch.baseAddress, scratch.count, 0)
        if count < 0 {
            if errno == EAGAIN || errno == EINTR { return }
            close(connection)
            return
        }
        if count == 0 {
            endOfInput(connection, now)
            return
        }
        let chunk = UnsafeBufferPointer(rebasing: scratch[0..<count])
        switch connection.phase {
        case .lingering:
            // Dropped, up to a bound: a client that keeps streaming is cut off.
            connection.lingered += count
            if connection.lingered > settings.lingerBytes { close(connection) }
            return
        case .webSocket(let socket):
            socket.received(chunk, now: now)
            pullFrames(connection, socket)
        case .idle, .head, .body, .handling:
            if connection.input.isEmpty {
                let used = advance(connection, chunk, now)
                if used < count && !connection.closeAfterOutput { connection.input.append(contentsOf: chunk[used...]) }
            } else {
                connection.input.append(contentsOf: chunk)
                processInput(connection, now)
            }
            if case .webSocket(let socket) = connection.phase, !connection.input.isEmpty {
                let pending = connection.input
                connection.input = []
                pending.withUnsafeBufferPointer { socket.received($0, now: now) }
                pullFrames(connection, socket)
            }
        }
        flush(connection, now)
    }

    /// The client closed its side: finish what is in flight, else close.
    private func endOfInput(_ connection: Connection, _ now: UInt64) {
        connection.readClosed = true
        switch connection.phase {
        case .handling:
            updateInterest(connection)
        case .webSocket(let socket):
            socket.peerClosed()
            close(connection)
        default:
            if connection.pendingOutput > 0 {
                connection.closeAfterOutput = true
                updateInterest(connection)
            } else {
                close(connection)
            }
        }
    }

    /// Runs `advance` over the buffered input and keeps what it did not use.
    private func processInput(_ connection: Connection, _ now: UInt64) {
        guard !connection.input.isEmpty, !connection.closed else { return }
        let buffered = connection.input
        let used = buffered.withUnsafeBufferPointer { advance(connection, $0, now) }
        if connection.closeAfterOutput || used == buffered.count {
            connection.input = []
        } else if used > 0 {
            connection.input.removeFirst(used)
        }
    }

    /// Parses and answers as many requests from `bytes` as the connection's state allows, in order;
    /// returns how many bytes it consumed.
    private func advance(_ connection: Connection, _ bytes: UnsafeBufferPointer<UInt8>, _ now: UInt64) -> Int {
        var offset = 0
        while offset < bytes.count && !connection.closed && !connection.closeAfterOutput {
            let rest = UnsafeBufferPointer(rebasing: bytes[offset...])
            switch connection.phase {
            case .idle, .head:
                // Pipelined requests wait while earlier answers are still unread by the client.
                if connection.pendingOutput > settings.outputBackpressureBytes { return offset }
                switch HeadParser.parse(rest, limits: settings.parser) {
                case .incomplete:
                    if case .idle = connection.phase {
                        connection.phase = .head
                        connection.deadline = now + (connection.restricted ? settings.restrictedHeadNanoseconds : settings.headNanoseconds)
                    }
                    return offset
                case .refused(let error):
                    refuse(connection, error)
                    return offset
                case .complete(let head, let length):
                    offset += length
                    start(connection, head, bodyFollows: offset < bytes.count, now)
                }
            case .body(let state, var reader):
                var used = 0
                let outcome = readBody(state, &reader, rest, &used)
                offset += used
                connection.phase = .body(state, reader)
                switch outcome {
                case .needMore:
                    if case .chunked = reader {
                        connection.deadline = connection.bodyStarted + settings.headNanoseconds + settings.bodyAllowance(state.body.count)
                    }
                    return offset
                case .done:
                    dispatch(connection, state, now)
                case .refused(let error):
                    core.forget(state)
                    refuse(connection, error, requestID: state.requestID)
                    return offset
                }
            case .handling, .webSocket, .lingering:
                return offset
            }
        }
        return offset
    }

    private func readBody(_ state: PendingRequest, _ reader: inout BodyReader, _ bytes: UnsafeBufferPointer<UInt8>, _ used: inout Int) -> ChunkedBody.Outcome {
        switch reader {
        case .length(let remaining):
            let take = min(remaining, bytes.count)
            state.body.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[0..<take]))
            used = take
            reader = .length(remaining: remaining - take)
            return remaining == take ? .done : .needMore
        case .chunked(var decoder):
            let outcome = decoder.decode(bytes, into: &state.body, consumed: &used, limits: settings.parser)
            reader = .chunked(decoder)
            return outcome
        }
    }

    // MARK: Requests

    private func start(_ connection: Connection, _ head: RequestHead, bodyFollows: Bool, _ now: UInt64) {
        let state = core.begin(head, remoteAddress: connection.address, restricted: connection.restricted)
        if let early = state.earlyResponse {
            state.dispatched = true
            // The body of a refused request is not read: the connection closes after the answer.
            answer(connection, state, early, now, close: head.framing != .none)
            return
        }
        switch head.framing {
        case .none:
            dispatch(connection, state, now)
        case .length(let length):
            state.body.reserveCapacity(length)
            connection.bodyStarted = now
            connection.deadline = now + settings.headNanoseconds + settings.bodyAllowance(length)
            connection.phase = .body(state, .length(remaining: length))
            if head.expectsContinue && !bodyFollows { connection.output.append(contentsOf: ResponseWriter.continueLine) }
        case .chunked:
            connection.bodyStarted = now
            connection.deadline = now + settings.headNanoseconds
            connection.phase = .body(state, .chunked(ChunkedBody()))
            if head.expectsContinue && !bodyFollows { connection.output.append(contentsOf: ResponseWriter.continueLine) }
        }
    }

    private func dispatch(_ connection: Connection, _ state: PendingRequest, _ now: UInt64) {
        switch core.dispatch(state, resume: ConnectionRef(loop: self, fd: connection.fd, id: connection.id)) {
        case .answer(let response):
            answer(connection, state, response, now)
        case .suspended:
            connection.phase = .handling(state)
            connection.deadline = .max
        case .upgrade(let response, let handler):
            let final = core.finish(response, state, log: &accessLines)
            ResponseWriter.append(final, framing: framing(connection, state, close: false), date: dateLine, to: &connection.output)
            core.forget(state)
            // A client that stops reading holds at most this much of our kernel memory (then its outbox fills).
            var sendBuffer: Int32 = 256 << 10
            _ = setsockopt(connection.fd, SOL_SOCKET, SO_SNDBUF, &sendBuffer, socklen_t(MemoryLayout<Int32>.size))
            let socket = LoopWebSocket(
                ref: ConnectionRef(loop: self, fd: connection.fd, id: connection.id),
                limits: WebSocketLimits(maxMessage: core.configuration.maxWebSocketMessageBytes), now: now)
            connection.phase = .webSocket(socket)
            connection.deadline = now + settings.pingNanoseconds
            core.webSockets.add(socket)
            let request = state.request
            Task(executorPreference: HandlerExecutor.shared) {
                await handler(request, socket)
                socket.close(code: 1000)
            }
        }
    }

    /// Queues a request's answer; the connection then waits for the next request, or closes.
    private func answer(_ connection: Connection, _ state: PendingRequest, _ response: Response, _ now: UInt64, close: Bool = false) {
        let final = core.finish(response, state, log: &accessLines)
        let closing = close || !state.keepAlive || connection.restricted || connection.readClosed || core.isDraining
        ResponseWriter.append(final, framing: framing(connection, state, close: closing), date: dateLine, to: &connection.output)
        core.forget(state)
        connection.phase = .idle
        connection.deadline = now + settings.idleNanoseconds
        if closing { connection.closeAfterOutput = true }
    }

    private func framing(_ connection: Connection, _ state: PendingRequest, close: Bool) -> ResponseWriter.Framing {
        ResponseWriter.Framing(requestID: state.requestID, headOnly: state.method == "HEAD", close: close, minorVersion: state.minorVersion)
    }

    /// A request the parser or the limits refused: its error, then the close (the framing is in doubt).
    private func refuse(_ connection: Connection, _ error: HTTPError, requestID: String? = nil) {
        let id = requestID ?? core.ids.fresh()
        let response = ErrorResponder.response(for: error, requestID: id)
        ResponseWriter.append(response, framing: .init(requestID: id, headOnly: false, close: true, minorVersion: 1), date: dateLine, to: &connection.output)
        core.recordRefusal(response.status, requestID: id, address: connection.address, error: error, log: &accessLines)
        connection.phase = .idle
        connection.closeAfterOutput = true
    }

    // MARK: WebSockets

    /// Moves the frames a WebSocket's writers queued into the connection's output, as far as the
    /// output's bound allows (the rest waits in the socket's bounded outbox).
    private func pullFrames(_ connection: Connection, _ socket: LoopWebSocket) {
        let closing = socket.moveFrames(into: &connection.output, limit: settings.outputBackpressureBytes)
        if closing { connection.closeAfterOutput = true }
    }

    // MARK: Writing

    private func flush(_ connection: Connection, _ now: UInt64) {
        guard !connection.closed else { return }
        while connection.pendingOutput > 0 {
            let sent = connection.output.withUnsafeBytes { raw in
                Glibc.send(connection.fd, raw.baseAddress! + connection.outputSent, raw.count - connection.outputSent, Int32(MSG_NOSIGNAL))
            }
            if sent < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN { break }
                close(connection)
                return
            }
            connection.outputSent += sent
            connection.lastWriteProgress = now
            if case .idle = connection.phase { connection.deadline = now + settings.idleNanoseconds }
        }
        if connection.pendingOutput == 0 {
            connection.outputDrained()
            if case .webSocket(let socket) = connection.phase {
                pullFrames(connection, socket)
                if connection.pendingOutput > 0 { return flush(connection, now) }
            }
            if connection.closeAfterOutput {
                linger(connection, now)
                return
            }
            // Answers written: requests the client pipelined behind them can go on.
            if !connection.input.isEmpty, case .idle = connection.phase {
                processInput(connection, now)
                if connection.pendingOutput > 0 { return flush(connection, now) }
            }
        }
        updateInterest(connection)
    }

    private func linger(_ connection: Connection, _ now: UInt64) {
        if case .webSocket(let socket) = connection.phase { socket.peerClosed() }
        if connection.readClosed {
            close(connection)
            return
        }
        _ = shutdown(connection.fd, Int32(SHUT_WR))
        connection.phase = .lingering
        connection.input = []
        connection.deadline = now + settings.lingerNanoseconds
        updateInterest(connection)
    }

    private func updateInterest(_ connection: Connection) {
        guard !connection.closed else { return }
        var wanted: UInt32 = 0
        if !connection.readClosed && connection.input.count < settings.inputBacklogBytes { wanted |= EPOLLIN.rawValue }
        if connection.pendingOutput > 0 { wanted |= EPOLLOUT.rawValue }
        guard wanted != connection.interest else { return }
        var event = epoll_event()
        event.events = wanted
        event.data.u64 = UInt64(connection.fd)
        let operation = connection.interest == 0 && !connection.registered ? EPOLL_CTL_ADD : EPOLL_CTL_MOD
        _ = epoll_ctl(epollFD, operation, connection.fd, &event)
        connection.registered = true
        connection.interest = wanted
    }

    private func register(_ fd: Int32, tag: UInt64, events: UInt32) {
        var event = epoll_event()
        event.events = events
        event.data.u64 = tag
        _ = epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, &event)
    }

    private func close(_ connection: Connection) {
        guard !connection.closed else { return }
        connection.closed = true
        switch connection.phase {
        case .handling(let state), .body(let state, _):
            // Its handler's answer, when it comes, finds no connection and is dropped.
            core.forget(state)
        case .webSocket(let socket):
            socket.peerClosed()
        default:
            break
        }
        connections[connection.fd] = nil
        _ = epoll_ctl(epollFD, EPOLL_CTL_DEL, connection.fd, nil)
        Glibc.close(connection.fd)
        quota.release(connection.address, connection.admission)
    }

    // MARK: Deadlines

    private func sweep(_ now: UInt64) {
        if keepsHandlerTimeLimit { core.expireOverdue() }
        for connection in Array(connections.values) where !connection.closed {
            if case .webSocket(let socket) = connection.phase {
                if socket.tick(now: now, pingNanoseconds: settings.pingNanoseconds) { pullFrames(connection, socket) }
                if connection.pendingOutput > 0 || connection.closeAfterOutput { flush(connection, now) }
                continue
            }
            if core.isDraining, case .idle = connection.phase, connection.pendingOutput == 0, connection.input.isEmpty {
                close(connection)
                continue
            }
            // A client that stops reading holds its answers for at most the idle timeout.
            if connection.pendingOutput > 0 && now &- connection.lastWriteProgress > settings.idleNanoseconds {
                close(connection)
                continue
            }
            guard now >= connection.deadline else { continue }
            switch connection.phase {
            case .head, .body:
                // A trickled head or a body slower than the minimum rate: 408, then the close.
                let detail = if case .head = connection.phase { "The request head took longer than the deadline" } else { "The request body came slower than the minimum rate" }
                let requestID: String? = if case .body(let state, _) = connection.phase { state.requestID } else { nil }
                if case .body(let state, _) = connection.phase { core.forget(state) }
                refuse(connection, HTTPError(status: 408, code: "REQUEST_TIMEOUT", message: "Request timeout", detail: detail), requestID: requestID)
                connection.input = []
                flush(connection, now)
            case .idle, .lingering:
                close(connection)
            case .handling, .webSocket:
                break
            }
        }
    }

    private func flushAccessLog() {
        guard !accessLines.isEmpty else { return }
        Log.shared.log(batch: accessLines)
        accessLines.removeAll(keepingCapacity: true)
    }

    /// Connections this loop holds (tests and metrics; read on the loop's thread or after it ended).
    var connectionCount: Int { connections.count }
}

/// Where an `.async` answer or a WebSocket frame goes back to: a loop and one of its connections.
struct ConnectionRef: Sendable {
    let loop: EventLoop
    let fd: Int32
    let id: UInt64

    func wake() {
        loop.post(fd: fd, id: id)
    }
}
