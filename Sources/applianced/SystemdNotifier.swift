#if canImport(Glibc)
    import Glibc
#endif

/// sd_notify without libsystemd: one datagram to `$NOTIFY_SOCKET` (a path, or `@name` for an abstract
/// socket). Does nothing when the variable is unset (not started by systemd with `Type=notify`).
struct SystemdNotifier: Sendable {
    let socketPath: String?

    init(environment: [String: String]) {
        let path = environment["NOTIFY_SOCKET"] ?? ""
        socketPath = path.isEmpty ? nil : path
    }

    /// Half of `WATCHDOG_USEC` in milliseconds, when systemd asks for watchdog pings.
    static func watchdogInterval(environment: [String: String]) -> Int? {
        guard let text = environment["WATCHDOG_USEC"], let usec = Int(text), usec > 0 else { return nil }
        if let pid = environment["WATCHDOG_PID"].flatMap({ Int32($0) }), pid != getpid() { return nil }
        return max(1, usec / 2000)
    }

    /// Sends `state` (e.g. `READY=1`); returns false when there is a socket and the send failed.
    @discardableResult
    func notify(_ state: String) -> Bool {
        guard let socketPath else { return true }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var pathBytes = Array(socketPath.utf8)
        if pathBytes.first == UInt8(ascii: "@") { pathBytes[0] = 0 }
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard pathBytes.count < capacity else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in pathBytes.enumerated() { raw[index] = byte }
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + pathBytes.count + (pathBytes.first == 0 ? 0 : 1))
        let message = Array(state.utf8)
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                message.withUnsafeBytes { sendto(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL), socketAddress, length) }
            }
        }
        return sent == message.count
    }
}
