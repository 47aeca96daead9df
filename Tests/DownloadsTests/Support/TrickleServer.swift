import Core
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// An HTTP server on 127.0.0.1 that answers every GET as a 64 MiB `video/mp4` and then sends it
/// 4 KiB every 100 ms, so a download of it runs until it is cancelled. Counts the connections still
/// open, so a test sees the client go. Stopped when released.
final class TrickleServer: Sendable {
    let port: Int
    private let fd: Int32
    private let counter = Counter()
    /// Connections open now.
    var openConnections: Int { counter.value.load(ordering: .relaxed) }
    var url: String { "http://127.0.0.1:\(port)/slow.mp4" }

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && listen(fd, 16) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard fd >= 0, bound else { throw FixtureError("bind or listen on 127.0.0.1 failed (errno \(errno))") }
        self.fd = fd
        port = Int(UInt16(bigEndian: address.sin_port))
        let counter = counter
        DetachedThread.start {
            while true {
                let client = accept(fd, nil, nil)
                if client < 0 {
                    if errno == EINTR || errno == ECONNABORTED { continue }
                    break
                }
                counter.value.add(1, ordering: .relaxed)
                DetachedThread.start {
                    Self.trickle(client)
                    close(client)
                    counter.value.subtract(1, ordering: .relaxed)
                }
            }
            close(fd)
        }
    }

    deinit {
        shutdown(fd, Int32(SHUT_RDWR))
    }

    private static func trickle(_ client: Int32) {
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var head: [UInt8] = []
        var byte: UInt8 = 0
        while !head.suffix(4).elementsEqual("\r\n\r\n".utf8) {
            guard recv(client, &byte, 1, 0) == 1, head.count < 65_536 else { return }
            head.append(byte)
        }
        let size = 64 << 20
        let header = "HTTP/1.1 200 OK\r\nContent-Type: video/mp4\r\nContent-Length: \(size)\r\nAccept-Ranges: none\r\nConnection: close\r\n\r\n"
        guard send(client, header, header.utf8.count, Int32(MSG_NOSIGNAL)) > 0 else { return }
        let chunk = [UInt8](repeating: 0x42, count: 4096)
        var sent = 0
        while sent < size {
            guard send(client, chunk, chunk.count, Int32(MSG_NOSIGNAL)) == chunk.count else { return }
            sent += chunk.count
            usleep(100_000)
        }
    }
}

/// A shared count of open connections.
private final class Counter: Sendable {
    let value = Atomic<Int>(0)
}
