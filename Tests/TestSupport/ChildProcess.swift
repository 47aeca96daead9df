#if canImport(Glibc)
    import Glibc
#endif

/// A child process for tests (Foundation's `Process` is not available): spawned with
/// `posix_spawnp`, its stdout on a pipe the test reads line by line, killed and reaped when released.
public final class ChildProcess: @unchecked Sendable {
    // @unchecked: `pid` and `output` are set once in init; `buffer` is touched only by the one test
    // that owns the process.
    public let pid: Int32
    private let output: Int32
    private var buffer: [UInt8] = []
    private var reaped = false

    /// The spawn failed; `code` is the errno `posix_spawnp` returned.
    public struct SpawnError: Error, CustomStringConvertible {
        public let code: Int32
        public let program: String
        public var description: String { "posix_spawnp '\(program)': \(String(cString: strerror(code)))" }
    }

    /// Starts `arguments[0]` (looked up on PATH) with the rest as its arguments.
    public init(_ arguments: [String]) throws {
        precondition(!arguments.isEmpty, "no program given")
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw SpawnError(code: errno, program: arguments[0]) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        posix_spawn_file_actions_addclose(&actions, fds[0])
        posix_spawn_file_actions_addclose(&actions, fds[1])
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        let rc = posix_spawnp(&child, arguments[0], &actions, nil, &argv, environ)
        close(fds[1])
        guard rc == 0 else {
            close(fds[0])
            throw SpawnError(code: rc, program: arguments[0])
        }
        pid = child
        output = fds[0]
    }

    deinit {
        terminate()
        close(output)
    }

    /// The next line the child writes to stdout, without its newline; nil at end of output or
    /// when `timeout` seconds pass first.
    public func readLine(timeout: Double = 30) -> String? {
        let deadline = Self.now() + timeout
        while true {
            if let newline = buffer.firstIndex(of: 0x0a) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return line
            }
            let remaining = deadline - Self.now()
            guard remaining > 0 else { return nil }
            var poller = pollfd(fd: output, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(min(remaining, 60) * 1000))
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { return nil }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = read(output, &chunk, chunk.count)
            guard count > 0 else { return nil }
            buffer += chunk[..<count]
        }
    }

    /// Sends `signal` to the child (SIGTERM, 15, by default).
    public func kill(_ signal: Int32 = 15) {
        if !reaped { _ = Glibc.kill(pid, signal) }
    }

    /// SIGKILL and reap, so no fixture outlives its test.
    public func terminate() {
        guard !reaped else { return }
        _ = Glibc.kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        reaped = true
    }

    /// The full path of `program` on PATH, or nil when the machine lacks it.
    public static func which(_ program: String) -> String? {
        let path = getenv("PATH").map { String(cString: $0) } ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(program)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    private static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}
