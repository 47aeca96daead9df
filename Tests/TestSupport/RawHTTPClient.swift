#if canImport(Glibc)
    import Glibc
#endif

/// A tiny blocking HTTP/1.1 client (shared by the API and applianced tests) over a raw socket, so tests control keep-alive, partial requests,
/// slow clients and the source address.
public final class RawHTTPClient: @unchecked Sendable {
    public struct Reply: Sendable {
        public let status: Int
        public let headers: [String: String]
        public let body: [UInt8]
        /// Every header line as sent (names as the server spelled them), for checks of duplicates.
        public var headerLines: [String] = []
        public var text: String { String(decoding: body, as: UTF8.self) }
        public func header(_ name: String) -> String? { headers[name.lowercased()] }
        /// How many times a header was sent.
        public func count(of name: String) -> Int {
            headerLines.filter { $0.lowercased().hasPrefix(name.lowercased() + ":") }.count
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public let fd: Int32
    private var buffer: [UInt8] = []
    private let opened = ContinuousClock.now

    /// Connects to 127.0.0.1:`port`, from `source` when given (e.g. 127.0.0.2, another client address).
    private init(blockingPort port: UInt16, source: String?, timeoutSeconds: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket failed") }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        if let source {
            var local = sockaddr_in()
            local.sin_family = sa_family_t(AF_INET)
            inet_pton(AF_INET, source, &local.sin_addr)
            let bound = withUnsafePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard bound == 0 else { close(fd); throw Failure(description: "bind \(source) failed") }
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { close(fd); throw Failure(description: "connect failed") }
    }

    deinit { close(fd) }

    private func blockingSend(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw Failure(description: "send failed (errno \(errno))") }
            offset += n
        }
    }

    /// Sends one request and reads its reply.
    private func blockingRequest(
        _ method: String, _ path: String, headers: [String: String], body: [UInt8], close: Bool
    ) throws -> Reply {
        var text = "\(method) \(path) HTTP/1.1\r\nHost: localhost\r\n"
        for (name, value) in headers { text += "\(name): \(value)\r\n" }
        if !body.isEmpty || method == "POST" || method == "PUT" { text += "Content-Length: \(body.count)\r\n" }
        if close { text += "Connection: close\r\n" }
        text += "\r\n"
        try blockingSend(Array(text.utf8) + body)
        return try blockingReadReply(method: method)
    }

    /// Reads bytes until at least `count` are buffered; false when the peer closed first.
    private func blockingFill(_ count: Int) throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while buffer.count < count {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { return false }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == ECONNRESET { return false }
                throw Failure(description: "recv failed (errno \(errno))")
            }
            buffer.append(contentsOf: chunk[0..<n])
        }
        return true
    }

    /// True when the server closed the connection (reads 0 or a reset) within the receive timeout.
    private func blockingWaitForClose() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { return true }
            if n < 0 { return errno == ECONNRESET }
        }
    }

    // MARK: Async faces: the blocking socket work runs on a thread of its own, never on Swift's
    // cooperative pool, where it could starve the server's own handler tasks.

    public static func connect(port: UInt16, source: String? = nil, timeoutSeconds: Int = 120) async throws -> RawHTTPClient {
        try await offPool { try RawHTTPClient(blockingPort: port, source: source, timeoutSeconds: timeoutSeconds) }
    }

    /// One request on a fresh connection, connected and sent from one thread: no hop through the
    /// cooperative pool between the connect and the request, which a loaded test process can make
    /// longer than a server's idle timeout. The reply may wait as long: the server's handler runs on
    /// Swift's pool, which in a full parallel run on 2 cores (and a compiler busy beside it) queues
    /// work for tens of seconds, so the receive timeout is as generous as the test servers' own.
    public static func request(
        port: UInt16, _ method: String, _ path: String, headers: [String: String] = [:], body: [UInt8] = [],
        timeoutSeconds: Int = 120
    ) async throws -> Reply {
        try await offPool { try requestBlocking(port: port, method, path, headers: headers, body: body, timeoutSeconds: timeoutSeconds) }
    }

    /// `request(port:…)` on the calling thread, for a test that must not wait for Swift's pool.
    public static func requestBlocking(
        port: UInt16, _ method: String, _ path: String, headers: [String: String] = [:], body: [UInt8] = [],
        timeoutSeconds: Int = 120
    ) throws -> Reply {
        let client = try RawHTTPClient(blockingPort: port, source: nil, timeoutSeconds: timeoutSeconds)
        return try client.blockingRequest(method, path, headers: headers, body: body, close: true)
    }

    public func send(_ text: String) async throws { try await send(Array(text.utf8)) }
    public func send(_ bytes: [UInt8]) async throws { try await offPool { try self.blockingSend(bytes) } }

    public func request(
        _ method: String, _ path: String, headers: [String: String] = [:], body: [UInt8] = [], close: Bool = false
    ) async throws -> Reply {
        try await offPool { try self.blockingRequest(method, path, headers: headers, body: body, close: close) }
    }

    public func readReply(method: String = "GET") async throws -> Reply {
        try await offPool { try self.blockingReadReply(method: method) }
    }

    public func fill(_ count: Int) async throws -> Bool { try await offPool { try self.blockingFill(count) } }

    public func waitForClose() async -> Bool { (try? await offPool { self.blockingWaitForClose() }) ?? false }

    public func takeBuffered(_ count: Int) -> [UInt8] {
        let taken = Array(buffer.prefix(count))
        buffer.removeFirst(min(count, buffer.count))
        return taken
    }

    private func blockingReadReply(method: String) throws -> Reply {
        var headerEnd: Int?
        while headerEnd == nil {
            if let found = findHeaderEnd() { headerEnd = found; break }
            guard try blockingFill(buffer.count + 1) else {
                throw Failure(description: "closed before a reply (\(ContinuousClock.now - opened) after connecting)")
            }
        }
        let head = String(decoding: buffer[0..<headerEnd!], as: UTF8.self)
        buffer.removeFirst(headerEnd! + 4)
        var lines = head.split(separator: "\r\n").map(String.init)
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { throw Failure(description: "bad status line") }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingLeadingSpaces()
        }
        var body: [UInt8] = []
        let length = Int(headers["content-length"] ?? "0") ?? 0
        if method != "HEAD" && status != 204 && status != 101 && length > 0 {
            guard try blockingFill(length) else { throw Failure(description: "closed mid-body") }
            body = takeBuffered(length)
        }
        return Reply(status: status, headers: headers, body: body, headerLines: lines)
    }

    private func findHeaderEnd() -> Int? {
        guard buffer.count >= 4 else { return nil }
        for index in 0...(buffer.count - 4)
        where buffer[index] == 13 && buffer[index + 1] == 10 && buffer[index + 2] == 13 && buffer[index + 3] == 10 {
            return index
        }
        return nil
    }
}

final class ThreadBody: @unchecked Sendable {
    let run: () -> Void
    init(_ run: @escaping () -> Void) { self.run = run }
}

/// Runs blocking work on a new thread and awaits its result.
public func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let box = Unmanaged.passRetained(ThreadBody { continuation.resume(with: Result { try body() }) }).toOpaque()
        var thread = pthread_t()
        let started = pthread_create(
            &thread, nil,
            { raw in
                Unmanaged<ThreadBody>.fromOpaque(raw!).takeRetainedValue().run()
                return nil
            }, box)
        if started == 0 { pthread_detach(thread) } else { continuation.resume(throwing: RawHTTPClient.Failure(description: "pthread_create failed")) }
    }
}

extension StringProtocol {
    public func trimmingLeadingSpaces() -> String { String(drop { $0 == " " }) }
}
