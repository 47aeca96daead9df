internal import CSyscall
import Dispatch

#if canImport(Glibc)
    import Glibc
#endif

/// Runs yt-dlp from an argument vector (posix_spawn, no shell) on a Dispatch thread, never a
/// cooperative one, with its standard output captured up to a cap and a deadline: past either the
/// child is killed. Standard error goes to /dev/null (its messages may carry the URL's query).
public enum YtDlpProcess {
    public enum Outcome: Sendable, Equatable {
        case finished(status: Int32, output: [UInt8])
        case timedOut
        case tooLarge
        case failedToStart(String)
    }

    /// The first `yt-dlp` on `PATH` (or `candidate` when it is an executable path); nil when none is.
    public static func locate(_ candidate: String = "yt-dlp", path: String? = nil) -> String? {
        if candidate.contains("/") { return access(candidate, X_OK) == 0 ? candidate : nil }
        let search = path ?? (getenv("PATH").map { String(cString: $0) } ?? "/usr/local/bin:/usr/bin:/bin")
        for folder in search.split(separator: ":") where !folder.isEmpty {
            let full = "\(folder)/\(candidate)"
            if access(full, X_OK) == 0 { return full }
        }
        return nil
    }

    public static func run(_ argv: [String], timeoutSeconds: Int, maxOutput: Int) async -> Outcome {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .utility).async {
                continuation.resume(returning: runBlocking(argv, timeoutSeconds: timeoutSeconds, maxOutput: maxOutput))
            }
        }
    }

    static func runBlocking(_ argv: [String], timeoutSeconds: Int, maxOutput: Int) -> Outcome {
        guard let path = argv.first else { return .failedToStart("no program") }
        var pipeFDs: [Int32] = [-1, -1]
        guard pipe(&pipeFDs) == 0 else { return .failedToStart("pipe failed: errno \(errno)") }
        for fd in pipeFDs { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], 1)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        // Nothing else the daemon has open (a listening socket, state.db) reaches the child.
        posix_spawn_file_actions_addclosefrom_np(&actions, 3)
        let cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var pid = pid_t()
        let rc = posix_spawn(&pid, path, &actions, nil, cArguments, environ)
        close(pipeFDs[1])
        defer { close(pipeFDs[0]) }
        guard rc == 0 else { return .failedToStart(String(cString: strerror(rc))) }

        var deadline = timespec()
        clock_gettime(CLOCK_MONOTONIC, &deadline)
        let end = Int64(deadline.tv_sec) * 1000 + Int64(deadline.tv_nsec) / 1_000_000 + Int64(timeoutSeconds) * 1000
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        var verdict: Outcome?
        reading: while true {
            var now = timespec()
            clock_gettime(CLOCK_MONOTONIC, &now)
            let left = end - (Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000)
            if left <= 0 {
                verdict = .timedOut
                break
            }
            var descriptor = pollfd(fd: pipeFDs[0], events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, Int32(min(left, 1000)))
            if ready < 0 && errno == EINTR { continue }
            if ready <= 0 { continue }
            let count = buffer.withUnsafeMutableBytes { read(pipeFDs[0], $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break reading }
            output += buffer[0..<count]
            if output.count > maxOutput {
                verdict = .tooLarge
                break
            }
        }
        if verdict != nil { kill(pid, SIGKILL) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        if let verdict { return verdict }
        let exited = (status & 0x7f) == 0
        return .finished(status: exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), output: output)
    }
}
