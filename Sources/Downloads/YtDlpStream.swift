internal import CSyscall
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
        guard let path = argv.first else { return .failedToStart("no program") }
        var pipeFDs: [Int32] = [-1, -1]
        guard pipe(&pipeFDs) == 0 else { return .failedToStart("pipe failed: errno \(errno)") }
        for fd in pipeFDs { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], 1)
        posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], 2)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        // Nothing else the daemon has open (a listening socket, state.db) reaches the child.
        posix_spawn_file_actions_addclosefrom_np(&actions, 3)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The daemon blocks or ignores signals it handles on a thread of its own; the child starts with
        // none blocked and the usual actions, so the SIGTERM of a cancel ends it.
        var none = sigset_t()
        sigemptyset(&none)
        var usual = sigset_t()
        sigemptyset(&usual)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGQUIT] { sigaddset(&usual, signal) }
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &usual)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        posix_spawnattr_setpgroup(&attributes, 0)
        let cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var pid = pid_t()
        let rc = posix_spawn(&pid, path, &actions, &attributes, cArguments, environ)
        close(pipeFDs[1])
        defer { close(pipeFDs[0]) }
        guard rc == 0 else { return .failedToStart(String(cString: strerror(rc))) }

        let end = monotonicMilliseconds() + Int64(timeoutSeconds) * 1000
        var pending: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        var reason: StopReason?
        reading: while true {
            if let asked = stop() {
                reason = asked
                break
            }
            if monotonicMilliseconds() >= end {
                reason = .timedOut
                break
            }
            var descriptor = pollfd(fd: pipeFDs[0], events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, 500)
            if ready <= 0 { continue }
            let count = buffer.withUnsafeMutableBytes { read(pipeFDs[0], $0.baseAddress, $0.count) }
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
        if reason != nil { terminate(group: pid) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        if let reason { return .stopped(reason) }
        let exited = (status & 0x7f) == 0
        return .exited(status: exited ? (status >> 8) & 0xff : 128 + (status & 0x7f))
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

    static func monotonicMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}
