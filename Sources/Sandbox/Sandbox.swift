internal import CSyscall
import Core

#if canImport(Glibc)
    import Glibc
#endif

/// Confines the media helper before it opens any file: lower priority, memory limits, no new
/// privileges, Landlock (reads of the media roots, render nodes and system libraries; writes of the
/// output folders only) and a seccomp filter that kills on any system call decoding does not need.
public enum Sandbox {
    /// Read-only places every helper needs: shared libraries and VA-API drivers (dlopen'ed by libva),
    /// the loader cache, and the DRM sysfs nodes libdrm reads to name a render node.
    static let systemReadPaths = [
        "/usr/lib", "/lib", "/usr/lib64", "/lib64", "/etc/ld.so.cache", "/usr/share/libdrm", "/sys/devices", "/sys/dev/char",
    ]

    /// Applies every step, in the order that keeps the next one possible. Returns notes for the log
    /// (Landlock skipped, a priority the kernel refused); throws when a confinement step fails.
    public static func apply(
        readPaths: [String], devicePaths: [String], writePaths: [String], memoryBytes: Int, nice: Int, idleIO: Bool
    ) throws(SandboxError) -> [String] {
        var notes: [String] = []
        if setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, Int32(clamping: nice)) != 0 {
            notes.append("setpriority(\(nice)): \(String(cString: strerror(errno)))")
        }
        if idleIO && csyscall_ioprio_set_idle() != 0 {
            notes.append("ioprio_set(idle): \(String(cString: strerror(errno)))")
        }
        try limitMemory(bytes: memoryBytes)
        try setLimit(RLIMIT_CORE, 0, "RLIMIT_CORE")
        guard csyscall_no_new_privs() == 0 else { throw SandboxError(call: "prctl(PR_SET_NO_NEW_PRIVS)", code: errno) }
        let read = Landlock.readFile | Landlock.readDirectory
        let rules =
            (systemReadPaths + readPaths).map { Landlock.Rule(path: $0, access: read | Landlock.execute) }
            + devicePaths.map { Landlock.Rule(path: $0, access: Landlock.readFile | Landlock.writeFile) }
            + writePaths.map { Landlock.Rule(path: $0, access: read | Landlock.writeFile | Landlock.create | Landlock.refer) }
        if let abi = try Landlock.restrict(rules) {
            notes.append("Landlock ABI \(abi) restricts reads to \(readPaths.count) path(s) and writes to \(writePaths.count)")
        } else {
            notes.append("Landlock is not available in this kernel, file access is not restricted by path, ignoring")
        }
        try SyscallFilter.install()
        return notes
    }

    /// Closes every descriptor from `first` on: nothing the daemon had open without close-on-exec (the
    /// listening socket, `state.db`, a library's descriptor) stays reachable from the decoder.
    public static func closeInheritedDescriptors(from first: Int32) {
        guard csyscall_close_from(UInt32(first)) != 0 else { return }
        // close_range(2) is Linux 5.9; before it, one by one.
        var limit = rlimit()
        getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        for fd in first..<Int32(clamping: min(limit.rlim_cur, 65536)) { close(fd) }
    }

    /// `RLIMIT_DATA` at the budget, and `RLIMIT_AS` at the budget above what is mapped now (the
    /// libraries' code and the runtime are not the item's memory).
    static func limitMemory(bytes: Int) throws(SandboxError) {
        try setLimit(RLIMIT_DATA, rlim_t(bytes), "RLIMIT_DATA")
        try setLimit(RLIMIT_AS, rlim_t(mappedBytes() + bytes), "RLIMIT_AS")
    }

    /// `RLIMIT_CPU` at `seconds` of CPU time beyond what the process has used so far: an item that
    /// runs past it gets SIGXCPU, which the daemon reports as `time limit`.
    public static func limitCPU(seconds: Int) throws(SandboxError) {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let used = Int(usage.ru_utime.tv_sec) + Int(usage.ru_stime.tv_sec) + 1
        var limit = rlimit()
        getrlimit(__rlimit_resource_t(RLIMIT_CPU.rawValue), &limit)
        limit.rlim_cur = rlim_t(used + seconds)
        guard setrlimit(__rlimit_resource_t(RLIMIT_CPU.rawValue), &limit) == 0 else { throw SandboxError(call: "setrlimit(RLIMIT_CPU)", code: errno) }
    }

    private static func setLimit(_ resource: __rlimit_resource, _ value: rlim_t, _ name: String) throws(SandboxError) {
        var limit = rlimit(rlim_cur: value, rlim_max: value)
        guard setrlimit(__rlimit_resource_t(resource.rawValue), &limit) == 0 else {
            throw SandboxError(call: "setrlimit(\(name))", code: errno)
        }
    }

    /// VmSize of this process, from `/proc/self/status`.
    static func mappedBytes() -> Int {
        guard let status = FileSystem.readIfPresent("/proc/self/status") else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmSize:") {
            let kilobytes = line.dropFirst(7).split(whereSeparator: { $0 == " " || $0 == "\t" }).first.flatMap { Int($0) } ?? 0
            return kilobytes * 1024
        }
        return 0
    }
}
