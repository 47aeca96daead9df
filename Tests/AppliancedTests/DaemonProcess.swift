import Core

#if canImport(Glibc)
    import Glibc
#endif

/// The built `.build/debug/applianced` run as a child process, stderr captured in a file.
final class DaemonProcess {
    static var binary: String {
        let repo = FileSystem.parentDirectory(of: FileSystem.parentDirectory(of: FileSystem.parentDirectory(of: #filePath)))
        return repo + "/.build/debug/applianced"
    }
    static var available: Bool { FileSystem.exists(binary) }

    let pid: pid_t
    private var reaped = false
    let logPath: String

    /// Starts `applianced <arguments>` with `environment` added to this process's.
    init(_ arguments: [String], environment: [String: String] = [:], logPath: String) throws {
        self.logPath = logPath
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 2, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        var env: [String] = []
        var pointer = environ
        while let entry = pointer.pointee {
            env.append(String(cString: entry))
            pointer += 1
        }
        env += environment.map { "\($0.key)=\($0.value)" }
        let argv = ([DaemonProcess.binary] + arguments).map { strdup($0) } + [nil]
        let envp = env.map { strdup($0) } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var child = pid_t()
        let result = posix_spawn(&child, DaemonProcess.binary, &actions, nil, argv, envp)
        guard result == 0 else { throw SystemError(code: result, call: "posix_spawn", subject: DaemonProcess.binary) }
        pid = child
    }

    var log: String { (try? FileSystem.readText(logPath)) ?? "" }

    /// A test that failed before reaping its daemon must not leave it running: killed and reaped here
    /// (never when the test reaped it: the pid may belong to another child by then).
    deinit {
        var status: Int32 = 0
        if !reaped, waitpid(pid, &status, WNOHANG) == 0 {
            kill(pid, SIGKILL)
            _ = waitpid(pid, &status, 0)
        }
    }

    /// Waits (polling, at most `seconds`) until the log contains `text`.
    func waitForLog(_ text: String, seconds: Double = 120) async -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        // Checked once more after the deadline: on a loaded machine this task may first run again long after it.
        while true {
            if log.contains(text) { return true }
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    /// The port from the `Listening on ADDR:PORT` line.
    func port() async -> UInt16? {
        guard await waitForLog("Listening on ") else { return nil }
        for line in log.split(separator: "\n") where line.contains("Listening on ") {
            let address = line.split(separator: " ")[2]
            return address.split(separator: ":").last.flatMap { UInt16($0) }
        }
        return nil
    }

    func signal(_ number: Int32) { kill(pid, number) }

    /// The exit status, waiting at most `seconds`; nil if it is still running (then it is killed). A
    /// whole parallel run on 2 cores has kept a daemon from finishing start-up and shutdown for over a minute
    /// (a test that takes 0.6 s alone took 84 s), so both waits are two minutes.
    func exitStatus(seconds: Double = 120) async -> Int32? {
        let deadline = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
        var status: Int32 = 0
        while true {
            if waitpid(pid, &status, WNOHANG) == pid {
                reaped = true
                return (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
            }
            if ContinuousClock.now >= deadline { break }
            try? await Task.sleep(for: .milliseconds(20))
        }
        kill(pid, SIGKILL)
        _ = waitpid(pid, &status, 0)
        reaped = true
        return nil
    }

    /// Runs to completion (for commands that exit at once).
    static func run(_ arguments: [String], logPath: String) async throws -> Int32? {
        try await DaemonProcess(arguments, logPath: logPath).exitStatus()
    }
}

/// A temp directory of this test's own under /tmp.
func makeTempDirectory(_ name: String) -> String {
    var template = Array("/tmp/http-\(name)-XXXXXX".utf8CString)
    let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
    return made.map { String(cString: $0) } ?? "/tmp/http-\(name)-\(getpid())"
}
