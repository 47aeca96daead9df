#if canImport(Glibc)
import Glibc
#endif

/// Small file helpers over POSIX: whole-file reads, atomic replacement, directory creation.
public enum FileSystem {
    /// Reads a whole file. Throws `SystemError` (e.g. `ENOENT`) when it cannot.
    public static func read(_ path: String, limit: Int = 64 << 20) throws(SystemError) -> [UInt8] {
        let fd = try retryingSyscall("open", path) { open(path, O_RDONLY | O_CLOEXEC) }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = try retryingSyscall("read", path) { chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) } }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
            if bytes.count > limit { throw SystemError(code: EFBIG, call: "read", subject: path) }
        }
        return bytes
    }

    /// Reads a file as UTF-8 text (invalid bytes become U+FFFD).
    public static func readText(_ path: String, limit: Int = 64 << 20) throws(SystemError) -> String {
        String(decoding: try read(path, limit: limit), as: UTF8.self)
    }

    /// The running executable's path (`/proc/self/exe`), or nil when it cannot be read.
    public static func executablePath() -> String? {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Reads a small text file, or nil when it cannot be read (sysfs/proc style probes).
    public static func readIfPresent(_ path: String) -> String? {
        try? readText(path, limit: 1 << 20)
    }

    public static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    public static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// `mkdir -p`: creates every missing directory with `mode`.
    public static func makeDirectories(_ path: String, mode: UInt32 = 0o755) throws(SystemError) {
        if isDirectory(path) { return }
        var prefix = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            prefix += "/" + part
            if mkdir(prefix, mode_t(mode)) != 0 && errno != EEXIST {
                throw SystemError(code: errno, call: "mkdir", subject: prefix)
            }
        }
    }

    /// Replaces `path` atomically: a temp file in the same directory, fsync, rename, fsync of the directory.
    /// An existing file's mode and owner are kept; a new file gets `mode`.
    public static func writeAtomically(_ path: String, _ bytes: [UInt8], mode: UInt32 = 0o644) throws(SystemError) {
        let directory = parentDirectory(of: path)
        var old = stat()
        let hadFile = stat(path, &old) == 0
        var template = Array("\(directory)/.\(baseName(of: path)).XXXXXX".utf8CString)
        let fd = try retryingSyscall("mkstemp", path) { template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) } }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        let tempPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        // Closed before the rename; a failed rename must not close the number again (another thread
        // may own it by then).
        var isOpen = true
        do throws(SystemError) {
            var offset = 0
            while offset < bytes.count {
                let n = try retryingSyscall("write", tempPath) {
                    bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, bytes.count - offset) }
                }
                offset += n
            }
            try retryingSyscall("fchmod", tempPath) { fchmod(fd, hadFile ? old.st_mode & 0o7777 : mode_t(mode)) }
            if hadFile && (old.st_uid != geteuid() || old.st_gid != getegid()) {
                // Keeping the owner needs privilege; an unprivileged daemon keeps its own.
                _ = fchown(fd, old.st_uid, old.st_gid)
            }
            try retryingSyscall("fsync", tempPath) { fsync(fd) }
            isOpen = false
            guard close(fd) == 0 else { throw SystemError(code: errno, call: "close", subject: tempPath) }
            try retryingSyscall("rename", path) { rename(tempPath, path) }
        } catch {
            if isOpen { close(fd) }
            unlink(tempPath)
            throw error
        }
        syncDirectory(directory)
    }

    /// fsync of a directory, so that a rename in it survives a power cut.
    public static func syncDirectory(_ directory: String) {
        let dfd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 {
            fsync(dfd)
            close(dfd)
        }
    }

    public static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    public static func baseName(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    /// Names in a directory (without `.` and `..`), sorted; empty when it cannot be read.
    public static func list(_ directory: String) -> [String] {
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: Int(NAME_MAX) + 1) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }
}
