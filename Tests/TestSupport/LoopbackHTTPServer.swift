#if canImport(Glibc)
    import Glibc
#endif

/// A tiny HTTP/1.1 server on a free 127.0.0.1 port for fakes written in Swift (an identity provider):
/// one thread accepts and answers each connection in turn with `handler`, one request per connection.
/// Stopped when released.
public final class LoopbackHTTPServer: Sendable {
    public struct Request: Sendable {
        public let method: String
        /// The path without the query.
        public let path: String
        public let query: [String: String]
        /// Header names in lower case.
        public let headers: [String: String]
        public let body: [UInt8]

        /// The body as `application/x-www-form-urlencoded` pairs.
        public var form: [String: String] { LoopbackHTTPServer.decodeForm(String(decoding: body, as: UTF8.self)) }
    }

    public struct Response: Sendable {
        public var status: Int
        public var headers: [(String, String)]
        public var body: [UInt8]

        public init(status: Int, headers: [(String, String)] = [], body: [UInt8] = []) {
            self.status = status
            self.headers = headers
            self.body = body
        }

        public static func text(_ status: Int, _ text: String) -> Response {
            Response(status: status, headers: [("Content-Type", "text/plain")], body: Array(text.utf8))
        }
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public let port: Int
    public var baseURL: String { "http://127.0.0.1:\(port)" }
    private let fd: Int32

    public init(handler: @escaping @Sendable (Request) -> Response) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket failed (errno \(errno))") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && listen(fd, 64) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else {
            close(fd)
            throw Failure(description: "bind or listen on 127.0.0.1 failed (errno \(errno))")
        }
        self.fd = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        // The thread holds the descriptor and the handler, not `self`, so releasing the server stops it.
        let body = ThreadBody {
            while true {
                let client = accept(fd, nil, nil)
                if client < 0 {
                    if errno == EINTR || errno == ECONNABORTED { continue }
                    break
                }
                Self.serve(client, handler)
                close(client)
            }
            close(fd)
        }
        var thread = pthread_t()
        let started = pthread_create(
            &thread, nil,
            { raw in
                Unmanaged<ThreadBody>.fromOpaque(raw!).takeRetainedValue().run()
                return nil
            }, Unmanaged.passRetained(body).toOpaque())
        guard started == 0 else {
            close(fd)
            throw Failure(description: "pthread_create failed")
        }
        pthread_detach(thread)
    }

    deinit {
        // Wakes the blocked accept; the thread closes the descriptor.
        shutdown(fd, Int32(SHUT_RDWR))
    }

    private static func serve(_ client: Int32, _ handler: (Request) -> Response) {
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var buffer = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 16384)
        func fill() -> Bool {
            let n = chunk.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { return false }
            buffer += chunk[0..<n]
            return buffer.count <= 1 << 20
        }
        let end = Array("\r\n\r\n".utf8)
        var headerEnd: Int?
        while headerEnd == nil {
            guard fill() else { return }
            headerEnd = (0...max(0, buffer.count - 4)).first { buffer.count >= 4 && Array(buffer[$0..<$0 + 4]) == end }
        }
        let head = String(decoding: buffer[..<headerEnd!], as: UTF8.self).split(separator: "\r\n").map(String.init)
        guard let first = head.first else { return }
        let requestLine = first.split(separator: " ")
        guard requestLine.count == 3 else { return }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingLeadingSpaces()
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        let bodyStart = headerEnd! + 4
        while buffer.count < bodyStart + length {
            guard fill() else { return }
        }
        let target = String(requestLine[1])
        let question = target.firstIndex(of: "?")
        let request = Request(
            method: String(requestLine[0]), path: String(target[..<(question ?? target.endIndex)]),
            query: question.map { decodeForm(String(target[target.index(after: $0)...])) } ?? [:], headers: headers,
            body: Array(buffer[bodyStart..<bodyStart + length]))
        let response = handler(request)
        var text = "HTTP/1.1 \(response.status) Fake\r\nContent-Length: \(response.body.count)\r\nConnection: close\r\n"
        for (name, value) in response.headers { text += "\(name): \(value)\r\n" }
        let bytes = Array((text + "\r\n").utf8) + response.body
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { send(client, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { return }
            offset += n
        }
    }

    /// `a=1&b=x%20y` (and `+` for a space) as a dictionary; the last of repeated names wins.
    public static func decodeForm(_ text: String) -> [String: String] {
        var out: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            out[percentDecode(parts[0])] = parts.count > 1 ? percentDecode(parts[1]) : ""
        }
        return out
    }

    public static func percentDecode(_ text: Substring) -> String {
        var bytes = [UInt8]()
        var input = Array(text.utf8)[...]
        while let byte = input.popFirst() {
            if byte == UInt8(ascii: "+") {
                bytes.append(0x20)
            } else if byte == UInt8(ascii: "%"), input.count >= 2, let value = UInt8(String(decoding: input.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                input = input.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
