internal import CSyscall

#if canImport(Glibc)
    import Glibc
#endif

/// Landlock path rules: after `restrict`, the process reads only beneath `read` paths and creates,
/// writes and removes files only beneath `write` paths. Kernels without Landlock (before 5.13, or
/// with it turned off) skip it; `restrict` says so and the caller logs it.
enum Landlock {
    static let readFile = UInt64(LANDLOCK_ACCESS_FS_READ_FILE)
    static let readDirectory = UInt64(LANDLOCK_ACCESS_FS_READ_DIR)
    static let execute = UInt64(LANDLOCK_ACCESS_FS_EXECUTE)
    static let writeFile = UInt64(LANDLOCK_ACCESS_FS_WRITE_FILE)
    static let create =
        UInt64(LANDLOCK_ACCESS_FS_MAKE_REG) | UInt64(LANDLOCK_ACCESS_FS_MAKE_DIR) | UInt64(LANDLOCK_ACCESS_FS_REMOVE_FILE)
    static let other =
        UInt64(LANDLOCK_ACCESS_FS_REMOVE_DIR) | UInt64(LANDLOCK_ACCESS_FS_MAKE_CHAR) | UInt64(LANDLOCK_ACCESS_FS_MAKE_SOCK)
        | UInt64(LANDLOCK_ACCESS_FS_MAKE_FIFO) | UInt64(LANDLOCK_ACCESS_FS_MAKE_BLOCK) | UInt64(LANDLOCK_ACCESS_FS_MAKE_SYM)
    /// ABI 2 (Linux 5.19): renaming or linking across folders.
    static let refer = UInt64(LANDLOCK_ACCESS_FS_REFER)

    /// A path and what may be done beneath it.
    struct Rule {
        let path: String
        let access: UInt64
    }

    /// Applies `rules` to the calling process; returns the ABI version, or nil when the kernel has no
    /// Landlock. A path that does not exist is left out (nothing beneath it can be reached either).
    static func restrict(_ rules: [Rule]) throws(SandboxError) -> Int32? {
        let abi = csyscall_landlock_abi_version()
        guard abi >= 1 else {
            if errno == ENOSYS || errno == EOPNOTSUPP { return nil }
            throw SandboxError(call: "landlock_create_ruleset(VERSION)", code: errno)
        }
        let handled = readFile | readDirectory | execute | writeFile | create | other | (abi >= 2 ? refer : 0)
        var attributes = landlock_ruleset_attr()
        attributes.handled_access_fs = handled
        let ruleset = csyscall_landlock_create_ruleset(&attributes)
        guard ruleset >= 0 else { throw SandboxError(call: "landlock_create_ruleset", code: errno) }
        defer { close(ruleset) }
        for rule in rules {
            let fd = csyscall_open_path(rule.path)
            guard fd >= 0 else {
                if errno == ENOENT { continue }
                throw SandboxError(call: "open(O_PATH)", code: errno, subject: rule.path)
            }
            defer { close(fd) }
            var status = stat()
            guard fstat(fd, &status) == 0 else { throw SandboxError(call: "fstat", code: errno, subject: rule.path) }
            // Only file rights apply to a file (a render node, a single media file).
            let fileOnly = readFile | writeFile | execute
            var beneath = landlock_path_beneath_attr()
            beneath.allowed_access = (status.st_mode & S_IFMT) == S_IFDIR ? rule.access & handled : rule.access & handled & fileOnly
            beneath.parent_fd = fd
            guard csyscall_landlock_add_path_rule(ruleset, &beneath) == 0 else {
                throw SandboxError(call: "landlock_add_rule", code: errno, subject: rule.path)
            }
        }
        guard csyscall_landlock_restrict_self(ruleset) == 0 else { throw SandboxError(call: "landlock_restrict_self", code: errno) }
        return abi
    }
}
