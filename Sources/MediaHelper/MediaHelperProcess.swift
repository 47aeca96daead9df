import Core
public import MediaProtocol

#if canImport(Glibc)
    import Glibc
#endif

/// One running `applianced-media` process and the pipe pair to it. Owned by one thread at a time (a
/// worker, a probe): it sends a request and waits for the reply, and it always reaps the process it
/// started, so no zombie is left whether the helper exits, crashes or is killed.
public final class MediaHelperProcess {
    public let pid: Int32
    public let policy: HelperPolicy
    private let channel: HelperChannel
    private var exited = false
    /// The request pipe is closed once, by `finish` or on exit (a second close could hit a descriptor
    /// number another thread has since been given).
    private var requestPipeOpen = true
    /// The largest `VmData` seen while waiting on the helper (KiB), sampled every 100 ms of waiting:
    /// `ru_maxrss` cannot tell, since a spawned child starts with its parent's high-water mark.
    private var peakDataKilobytes = 0

    /// Starts the helper with `policy` on its command line and a minimal environment: no secret the
    /// daemon holds (tokens, keys) reaches it, only the VA-API driver variables and the test-mode switch.
    public init(settings: MediaHelperSettings, policy: HelperPolicy) throws(HelperFailure) {
        // A write to a helper that just died must fail with EPIPE, not end the daemon (which ignores
        // SIGPIPE already; a test process or a command may not).
        signal(SIGPIPE, SIG_IGN)
        var toHelper: [Int32] = [-1, -1]
        var fromHelper: [Int32] = [-1, -1]
        guard pipe(&toHelper) == 0 else { throw HelperFailure(.crashed, "cannot start the media helper: pipe: \(String(cString: strerror(errno)))") }
        guard pipe(&fromHelper) == 0 else {
            close(toHelper[0])
            close(toHelper[1])
            throw HelperFailure(.crashed, "cannot start the media helper: pipe: \(String(cString: strerror(errno)))")
        }
        // Above 9 and close-on-exec: the dup2 onto 3 and 4 below cannot clobber a source, and no other
        // child (yt-dlp, systemctl, another helper) inherits an end and keeps a pipe open.
        let fds = (toHelper + fromHelper).map { fd -> Int32 in
            defer { close(fd) }
            return fcntl(fd, F_DUPFD_CLOEXEC, 10)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, 2, 1)
        posix_spawn_file_actions_adddup2(&actions, fds[0], 3)
        posix_spawn_file_actions_adddup2(&actions, fds[3], 4)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The daemon blocks and ignores signals of its own (SIGPIPE, the ones its signal sources take).
        var empty = sigset_t()
        sigemptyset(&empty)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv = ([settings.executable] + policy.arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        let envp = Self.environment(testModes: policy.testModes).map { strdup($0) } + [nil]
        defer { envp.forEach { free($0) } }
        var child = pid_t()
        let rc = posix_spawn(&child, settings.executable, &actions, &attributes, argv, envp)
        close(fds[0])
        close(fds[3])
        guard rc == 0 else {
            close(fds[1])
            close(fds[2])
            throw HelperFailure(.crashed, "cannot start the media helper '\(settings.executable)': \(String(cString: strerror(rc)))")
        }
        pid = child
        self.policy = policy
        channel = HelperChannel(input: fds[2], output: fds[1])
    }

    static func environment(testModes: Bool) -> [String] {
        // The Swift runtime's crash backtracer would run a program on a fault: the filter kills that
        // (SIGSYS) and the crash would be misreported; the daemon reports the signal instead.
        var environment = ["SWIFT_BACKTRACE=enable=no"]
        for name in ["LIBVA_DRIVER_NAME", "LIBVA_DRIVERS_PATH"] {
            if let value = getenv(name) { environment.append("\(name)=\(String(cString: value))") }
        }
        if testModes, let value = getenv("APPLIANCED_MEDIA_TEST_MODES") {
            environment.append("APPLIANCED_MEDIA_TEST_MODES=\(String(cString: value))")
        }
        return environment
    }

    /// Sends `request` and waits for its final reply. `progress(done, planned)` sees each progress reply
    /// and answers whether to go on (it may block while workers pause); `cancellation` is looked at
    /// every 100 ms. A dead helper, a broken protocol or a cancel throws; the helper is then reaped and
    /// this object is spent (`isAlive` false).
    public func perform(
        _ request: HelperRequest, cancellation: CancellationFlag = CancellationFlag(),
        progress: (Int, Int) -> Bool = { _, _ in true }
    ) throws(HelperFailure) -> HelperReply {
        guard !exited else { throw HelperFailure(.crashed, "the media helper has exited") }
        guard channel.send(request) else { throw reap() }
        while true {
            let received: HelperChannel.Received
            do {
                received = try channel.receive(shouldStop: {
                    self.sampleMemory()
                    return cancellation.isCancelled
                })
            } catch {
                kill()
                throw error
            }
            switch received {
            case .closed:
                throw reap()
            case .stopped:
                kill()
                throw HelperFailure(.cancelled, "cancelled")
            case .payload(let payload):
                let reply: HelperReply
                do {
                    reply = try HelperCodec.reply(payload)
                } catch {
                    kill()
                    throw error
                }
                guard case .progress(let done, let planned) = reply else { return reply }
                guard progress(done, planned), !cancellation.isCancelled else {
                    kill()
                    throw HelperFailure(.cancelled, "cancelled")
                }
                guard channel.send(.resume) else { throw reap() }
            }
        }
    }

    public var isAlive: Bool { !exited }

    /// Closes the request pipe (the helper exits on end of input) and reaps it; kills it when it has
    /// not gone within `graceSeconds`.
    public func finish(graceSeconds: Double = 2) {
        guard !exited else { return }
        closeRequestPipe()
        let deadline = Self.now() + graceSeconds
        while Self.now() < deadline {
            if waitpid(pid, nil, WNOHANG) == pid {
                markExited()
                return
            }
            usleep(10_000)
        }
        kill()
    }

    /// SIGKILL and reap.
    public func kill() {
        guard !exited else { return }
        _ = Glibc.kill(pid, SIGKILL)
        _ = reap()
    }

    /// Waits for the helper to end and tells why it ended.
    private func reap() -> HelperFailure {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        markExited()
        return HelperExit.failure(status: status, peakDataKilobytes: peakDataKilobytes, memoryMB: policy.memoryMB)
    }

    private func sampleMemory() {
        guard let text = FileSystem.readIfPresent("/proc/\(pid)/status") else { return }
        for line in text.split(separator: "\n") where line.hasPrefix("VmData:") {
            let value = line.dropFirst(7).split(whereSeparator: { $0 == " " || $0 == "\t" }).first.flatMap { Int($0) } ?? 0
            peakDataKilobytes = max(peakDataKilobytes, value)
        }
    }

    private func markExited() {
        guard !exited else { return }
        exited = true
        close(channel.input)
        closeRequestPipe()
    }

    private func closeRequestPipe() {
        guard requestPipeOpen else { return }
        requestPipeOpen = false
        close(channel.output)
    }

    static func now() -> Double {
        var clock = timespec()
        clock_gettime(CLOCK_MONOTONIC, &clock)
        return Double(clock.tv_sec) + Double(clock.tv_nsec) / 1e9
    }

    deinit { kill() }
}
