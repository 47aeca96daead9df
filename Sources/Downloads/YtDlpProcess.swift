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
        let child: YtDlpChild
        do throws(YtDlpChild.SpawnFailure) {
            child = try YtDlpChild.spawn(argv, standardError: .discarded, ownGroup: false)
        } catch {
            return .failedToStart(error.reason)
        }
        let end = YtDlpChild.monotonicMilliseconds() + Int64(timeoutSeconds) * 1000
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16_384)
        var verdict: Outcome?
        reading: while true {
            let left = end - YtDlpChild.monotonicMilliseconds()
            if left <= 0 {
                verdict = .timedOut
                break
            }
            var descriptor = pollfd(fd: child.output, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, Int32(min(left, 1000)))
            if ready < 0 && errno == EINTR { continue }
            if ready <= 0 { continue }
            let count = buffer.withUnsafeMutableBytes { read(child.output, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break reading }
            output += buffer[0..<count]
            if output.count > maxOutput {
                verdict = .tooLarge
                break
            }
        }
        if verdict != nil { kill(child.pid, SIGKILL) }
        let status = child.finish()
        if let verdict { return verdict }
        return .finished(status: status, output: output)
    }
}
