public import Core

#if canImport(Glibc)
    import Glibc
#endif

/// Why a config file could not be read. The message never repeats the path: the issue that carries it names the file.
public enum ConfigReadError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file does not exist (a layer that is simply absent).
    case missing
    /// A FIFO, socket, device or directory: never read, so it cannot hang the reader.
    case notRegularFile(kind: String)
    case tooLarge(bytes: Int, limit: Int)
    case system(SystemError)

    public var description: String {
        switch self {
        case .missing: return "no such file"
        case .notRegularFile(let kind): return "not a regular file (\(kind))"
        case .tooLarge(let bytes, let limit):
            return "file is \(bytes) bytes, over the limit of \(limit) bytes" + (limit % (1 << 20) == 0 ? " (\(limit >> 20) MiB)" : "")
        case .system(let error): return "cannot read: \(error.call): \(String(cString: strerror(error.code)))"
        }
    }
}

/// Reads config files: regular files only, opened non-blocking (a FIFO in `conf.d/` must not hang the watcher,
/// a settings write or `check-config`), and never more than `sizeLimit` bytes.
public enum ConfigFile {
    /// The largest config file read or written.
    public static let sizeLimit = 4 << 20

    public static func read(_ path: String, limit: Int = sizeLimit) throws(ConfigReadError) -> [UInt8] {
        // O_NONBLOCK: opening a FIFO without a writer would otherwise block; it has no effect on regular files.
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else {
            let code = errno
            throw code == ENOENT ? .missing : .system(SystemError(code: code, call: "open", subject: path))
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw .system(SystemError(code: errno, call: "fstat", subject: path)) }
        guard info.st_mode & S_IFMT == S_IFREG else { throw .notRegularFile(kind: kind(of: info.st_mode)) }
        if Int(info.st_size) > limit { throw .tooLarge(bytes: Int(info.st_size), limit: limit) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n: Int
            do {
                n = try retryingSyscall("read", path) { chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) } }
            } catch {
                throw .system(error)
            }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
            // The file may grow between fstat and read.
            if bytes.count > limit { throw .tooLarge(bytes: bytes.count, limit: limit) }
        }
        return bytes
    }

    static func kind(of mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: return "a FIFO"
        case S_IFSOCK: return "a socket"
        case S_IFCHR: return "a character device"
        case S_IFBLK: return "a block device"
        case S_IFDIR: return "a directory"
        case S_IFLNK: return "a symbolic link"
        default: return "not a file"
        }
    }
}
