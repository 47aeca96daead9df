import Core
import Dispatch
import Testing

@testable import Config

#if canImport(Glibc)
    import Glibc
#endif

/// `applianced config set` is killed with SIGKILL at random moments while it writes; the file on disk must always
/// parse and be either the old or the new version.
struct CrashSafetyTests {
    static let binary = SettingsSchemaTests.repositoryRoot + "/.build/debug/applianced"

    @Test(.enabled(if: access(binary, X_OK) == 0, "needs .build/debug/applianced (swift build)"))
    func killedWriterLeavesOldOrNewFile() async throws {
        let root = try TemporaryRoot()
        _ = ConfigStore(paths: root.paths, environment: [:], writeDefaults: true)
        let file = root.paths.mainFile
        // Kill moments spread over a typical run (median of three), from before exec to after the rename.
        var runs: [Outcome] = []
        for _ in 0..<3 { runs.append(try await Self.runChildOffPool(root.path, value: 9, killAfterMicroseconds: nil)) }
        #expect(runs.allSatisfy { $0.exitedNormally })
        let fullRun = runs.sorted { $0.microseconds < $1.microseconds }[1]
        var kills = 0
        var killedAfterWrite = 0
        var iterations = 0
        var value: Int64 = 9
        // Follows the machine's speed: a child that finished before its kill shortens it, a killed one lengthens it,
        // so that on a loaded (or suddenly idle) box most children still die at a random moment of their run.
        var typical = max(1000, fullRun.microseconds)
        while kills < 200 && iterations < 2000 {
            iterations += 1
            let old = try FileSystem.read(file)
            value = value % 32 + 1
            let new = try TOMLEditor.set(["workers", "gpu_threads"], to: .integer(value), in: try TOMLDocument.parse(old))
            // Weighted towards the end of the run, where the write, fsync and rename happen.
            let delay = UInt32.random(in: UInt32(typical / 3)...UInt32(typical + typical / 5))
            let outcome = try await Self.runChildOffPool(root.path, value: value, killAfterMicroseconds: delay)
            if !outcome.exitedNormally { kills += 1 }
            typical = outcome.exitedNormally ? max(1000, typical * 9 / 10) : typical + typical / 50
            let now = try FileSystem.read(file)
            #expect(now == old || now == new, "iteration \(iterations): file is neither the old nor the new version")
            #expect(throws: Never.self) { try TOMLDocument.parse(now, file: file) }
            if now != old && now != new { return }
            if now == new && !outcome.exitedNormally { killedAfterWrite += 1 }
        }
        print("crash-safety: full run \(fullRun.microseconds) us, \(iterations) runs, \(kills) kills, \(killedAfterWrite) of them after the rename")
        #expect(kills >= 200)
        // The next write clears what killed writers left behind.
        for last: Int64 in [31, 32] { _ = try await Self.runChildOffPool(root.path, value: last, killAfterMicroseconds: nil) }
        #expect(FileSystem.list(root.paths.directory).filter { $0.hasPrefix(".applianced.toml.") }.isEmpty)
    }

    /// `runChild` on a Dispatch thread: 230 spawns and waits must not hold a cooperative thread for 20 s.
    static func runChildOffPool(_ root: String, value: Int64, killAfterMicroseconds delay: UInt32?) async throws -> Outcome {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try runChild(root, value: value, killAfterMicroseconds: delay) })
            }
        }
    }

    struct Outcome: Sendable {
        let exitedNormally: Bool
        let microseconds: Int
    }

    /// Spawns `applianced config set workers.gpu_threads VALUE --root ROOT` and, when asked, SIGKILLs it after a delay.
    static func runChild(_ root: String, value: Int64, killAfterMicroseconds delay: UInt32?) throws -> Outcome {
        let arguments = [binary, "config", "set", "workers.gpu_threads", String(value), "--root", root]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        var pid: pid_t = 0
        let start = monotonicMicroseconds()
        let rc = posix_spawn(&pid, binary, &actions, nil, &argv, environ)
        guard rc == 0 else { throw SystemError(code: rc, call: "posix_spawn", subject: binary) }
        if let delay {
            usleep(delay)
            kill(pid, SIGKILL)
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let elapsed = monotonicMicroseconds() - start
        // WIFEXITED: the low 7 bits (the terminating signal) are zero.
        return Outcome(exitedNormally: status & 0x7F == 0, microseconds: elapsed)
    }

    static func monotonicMicroseconds() -> Int {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return spec.tv_sec * 1_000_000 + spec.tv_nsec / 1000
    }
}
