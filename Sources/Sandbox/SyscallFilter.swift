internal import CSeccomp

#if canImport(Glibc)
    import Glibc
#endif

/// The media helper's seccomp filter (libseccomp): the system calls that decoding, scaling, JPEG
/// encoding, VA-API and writing a BIF need are allowed; anything else kills the process (SIGSYS), so a
/// decoder exploit cannot open a socket, run a program, trace or mount.
enum SyscallFilter {
    /// Memory, threads, signals, time: what the Swift runtime, glibc and libav's threads use.
    static let runtime = [
        "brk", "mmap", "munmap", "mprotect", "mremap", "madvise", "mincore", "membarrier", "futex", "futex_waitv",
        "set_robust_list", "get_robust_list", "rseq", "set_tid_address", "exit", "exit_group",
        "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "sigaltstack", "tgkill", "tkill", "getpid", "gettid", "getppid",
        "getuid", "geteuid", "getgid", "getegid", "getresuid", "getresgid", "sched_yield", "sched_getaffinity",
        "sched_setaffinity", "sched_getparam", "sched_getscheduler", "getpriority", "setpriority", "getrlimit",
        "setrlimit", "prlimit64", "getrusage", "clock_gettime", "clock_getres", "clock_nanosleep", "nanosleep",
        "gettimeofday", "time", "getrandom", "uname", "sysinfo", "prctl", "arch_prctl", "restart_syscall",
    ]
    /// Files: reading media and drivers, writing the BIF (Landlock narrows which paths).
    static let files = [
        "read", "pread64", "readv", "preadv", "preadv2", "write", "pwrite64", "writev", "open", "openat", "openat2",
        "close", "close_range", "lseek", "fstat", "stat", "lstat", "newfstatat", "statx", "statfs", "fstatfs", "access",
        "faccessat", "faccessat2", "readlink", "readlinkat", "getdents64", "getcwd", "fcntl", "dup", "dup2", "dup3",
        "ioctl", "poll", "ppoll", "select", "pselect6", "pipe2", "eventfd2", "memfd_create", "ftruncate", "fsync",
        "fdatasync", "mkdir", "mkdirat", "rename", "renameat", "renameat2", "unlink", "unlinkat", "chown", "fchown",
        "fchownat", "chmod", "fchmod", "fchmodat", "umask", "fadvise64",
    ]
    /// Named only to document the point: not in the lists above, so they kill (and `clone` with a
    /// namespace flag, `unshare`, `setns`).
    static let forbidden = ["socket", "connect", "execve", "execveat", "ptrace", "mount", "bind", "listen", "accept", "unshare"]

    /// Loads the filter into the calling process (all its threads: `SCMP_FLTATR_CTL_TSYNC`).
    /// Needs `PR_SET_NO_NEW_PRIVS` first (libseccomp sets it too).
    static func install() throws(SandboxError) {
        guard let context = seccomp_init(SCMP_ACT_KILL_PROCESS) else { throw SandboxError(call: "seccomp_init", code: ENOMEM) }
        defer { seccomp_release(context) }
        var rc = seccomp_attr_set(context, SCMP_FLTATR_CTL_TSYNC, 1)
        guard rc == 0 else { throw SandboxError(call: "seccomp_attr_set(TSYNC)", code: -rc) }
        for name in runtime + files {
            let number = seccomp_syscall_resolve_name(name)
            // A call this architecture does not have (`open` on arm64) is simply not there to allow.
            guard number != __NR_SCMP_ERROR else { continue }
            rc = cseccomp_allow(context, number)
            guard rc == 0 else { throw SandboxError(call: "seccomp_rule_add", code: -rc, subject: name) }
        }
        rc = cseccomp_allow_thread_clone(context)
        guard rc == 0 else { throw SandboxError(call: "seccomp_rule_add", code: -rc, subject: "clone") }
        rc = cseccomp_clone3_enosys(context)
        guard rc == 0 else { throw SandboxError(call: "seccomp_rule_add", code: -rc, subject: "clone3") }
        rc = seccomp_load(context)
        guard rc == 0 else { throw SandboxError(call: "seccomp_load", code: -rc) }
    }
}
