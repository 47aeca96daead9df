internal import CSyscall

#if canImport(Glibc)
    import Glibc
#endif

/// A yt-dlp child as both runners start it: `posix_spawn` of an argument vector (no shell), standard
/// input from /dev/null, standard output (and standard error, when merged) into a pipe the caller reads,
/// no other descriptor of the daemon's, and no blocked or ignored signal of the daemon's.
struct YtDlpChild {
    /// Why a child could not be started, in words.
    struct SpawnFailure: Error {
        let reason: String
    }

    enum StandardError {
        /// To /dev/null (its messages may carry the URL's query).
        case discarded
        /// Into the output pipe, interleaved with standard output.
        case merged
    }

    let pid: pid_t
    /// The read end of the output pipe; `finish` closes it.
    let output: Int32

    /// Spawns `argv[0]` with `argv`; `ownGroup` puts it in a process group of its own (so that what it
    /// starts can be stopped with it).
    static func spawn(_ argv: [String], standardError: StandardError, ownGroup: Bool) throws(SpawnFailure) -> YtDlpChild {
        guard let path = argv.first else { throw SpawnFailure(reason: "no program") }
        var pipeFDs: [Int32] = [-1, -1]
        guard pipe(&pipeFDs) == 0 else { throw SpawnFailure(reason: "pipe failed: errno \(errno)") }
        for fd in pipeFDs { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], 1)
        switch standardError {
        case .discarded: posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        case .merged: posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], 2)
        }
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
        var flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
        if ownGroup {
            flags |= POSIX_SPAWN_SETPGROUP
            posix_spawnattr_setpgroup(&attributes, 0)
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))
        let cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var pid = pid_t()
        let rc = posix_spawn(&pid, path, &actions, &attributes, cArguments, environ)
        close(pipeFDs[1])
        guard rc == 0 else {
            close(pipeFDs[0])
            throw SpawnFailure(reason: String(cString: strerror(rc)))
        }
        return YtDlpChild(pid: pid, output: pipeFDs[0])
    }

    /// Reaps the child (which must be ending or killed) and closes the pipe: its exit status, or 128 plus
    /// the signal that ended it, as a shell reports it.
    func finish() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        close(output)
        let exited = (status & 0x7f) == 0
        return exited ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    }

    /// Milliseconds on the monotonic clock, for the runners' deadlines.
    static func monotonicMilliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}
