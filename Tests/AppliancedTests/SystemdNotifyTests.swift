import Core
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// sd_notify datagrams as systemd would receive them, on a path socket and an abstract one.
@Suite(.serialized, .enabled(if: DaemonProcess.available, "needs .build/debug/applianced (swift build)"))
struct SystemdNotifyTests {
    /// A bound datagram socket standing in for systemd's notify socket.
    final class NotifySocket {
        let fd: Int32
        init(path: String, abstract: Bool) throws {
            fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            var bytes = Array(path.utf8)
            if abstract { bytes.insert(0, at: 0) }
            withUnsafeMutableBytes(of: &address.sun_path) { raw in
                for (index, byte) in bytes.enumerated() { raw[index] = byte }
            }
            let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + (abstract ? 0 : 1))
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
            }
            guard bound == 0 else { throw SystemError(code: errno, call: "bind", subject: path) }
            var timeout = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        }
        deinit { close(fd) }

        func next() -> String? {
            var buffer = [UInt8](repeating: 0, count: 4096)
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            return n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self) : nil
        }
    }

    @Test(arguments: [false, true])
    func readyWatchdogAndStopping(abstract: Bool) async throws {
        let root = makeTempDirectory("notify")
        let name = abstract ? "http-notify-\(getpid())" : root + "/notify.sock"
        let listener = try NotifySocket(path: name, abstract: abstract)
        let daemon = try DaemonProcess(
            ["serve", "--root", root, "--listen", "127.0.0.1", "--port", "0"],
            environment: ["NOTIFY_SOCKET": abstract ? "@" + name : name, "WATCHDOG_USEC": "200000"],
            logPath: root + "/serve.log")
        #expect(listener.next() == "READY=1")
        #expect(listener.next() == "WATCHDOG=1")
        daemon.signal(SIGTERM)
        var seen: [String] = []
        while let message = listener.next(), message != "STOPPING=1" { seen.append(message) }
        #expect(seen.allSatisfy { $0 == "WATCHDOG=1" })
        #expect(await daemon.exitStatus() == 0)
    }
}
