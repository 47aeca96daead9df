import Core

#if canImport(Glibc)
    import Glibc
#endif

/// Runs one long yt-dlp child (a download) on the calling thread, which must be a thread of its own:
/// spawned without a shell in a process group of its own (so the ffmpeg it starts for a merge goes
/// with it), its standard output and error read line by line, and stopped (SIGTERM to the group,
/// SIGKILL 5 s later) when `stop` names a reason or the deadline passes.
enum YtDlpStream {
    /// Why a child was stopped before its end.
    enum StopReason: Sendable, Equatable {
        case cancelled
        case shutDown
        case timedOut
        case lowDisk(String)
    }

    enum End: Sendable, Equatable {
        case exited(status: Int32)
        case stopped(StopReason)
        case failedToStart(String)
    }

    /// Longest line kept; the rest of a longer line is dropped.
    static let maxLine = 4096

    /// Runs `argv` until it ends or is stopped; `line` gets every output line, `stop` is asked about
    /// twice a second.
    static func run(
        _ argv: [String], timeoutSeconds: Int, stop: () -> StopReason?, line: (Substring) -> Void
    ) -> End {
        let child: YtDlpChild
        do throws(YtDlpChild.SpawnFailure) {
            child = try YtDlpChild.spawn(argv, standardError: .merged, ownGroup: true)
        } catch {
            return .failedToStart(error.reason)
        }
        let end = YtDlpChild.monotonicMilliseconds() + Int64(timeoutSeconds) * 1000
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        var reason: StopReason?
        reading: while true {
            if let asked = stop() {
                reason = asked
                break
            }
            if YtDlpChild.monotonicMilliseconds() >= end {
                reason = .timedOut
                break
            }
            var descriptor = pollfd(fd: child.output, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, 500)
            if ready <= 0 { continue }
            let count = buffer.withUnsafeMutableBytes { read(child.output, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break reading }
            for byte in buffer[0..<count] {
                if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                    if !pending.isEmpty { line(Substring(String(decoding: pending, as: UTF8.self))) }
                    pending.removeAll(keepingCapacity: true)
                } else if pending.count < maxLine {
                    pending.append(byte)
                }
            }
        }
        if !pending.isEmpty && reason == nil { line(Substring(String(decoding: pending, as: UTF8.self))) }
        if reason != nil { terminate(group: child.pid) }
        let status = child.finish()
        if let reason { return .stopped(reason) }
        return .exited(status: status)
    }

    /// SIGTERM to the child's process group; SIGKILL to what is left of the group once the child has
    /// ended or 5 s have passed (an ffmpeg it started may outlive it otherwise).
    static func terminate(group pid: pid_t) {
        kill(-pid, SIGTERM)
        var waited = 0
        while waited < 50 && !isZombie(pid) {
            usleep(100_000)
            waited += 1
        }
        kill(-pid, SIGKILL)
    }

    /// Whether `pid` has ended and waits to be reaped.
    static func isZombie(_ pid: pid_t) -> Bool {
        guard let text = FileSystem.readIfPresent("/proc/\(pid)/stat") else { return true }
        guard let close = text.lastIndex(of: ")") else { return false }
        return text[text.index(after: close)...].trimmingPrefix(" ").first == "Z"
    }
}
