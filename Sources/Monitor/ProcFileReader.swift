#if canImport(Glibc)
    import Glibc
#endif

/// Reads small `/proc` and `/sys` files into one reused buffer, so a sample allocates little.
/// `root` prefixes every path (tests point it at captured trees). Owned by one thread; not shared.
final class ProcFileReader {
    let root: String
    private var buffer: [UInt8]

    init(root: String = "", capacity: Int = 64 << 10) {
        self.root = root.hasSuffix("/") ? String(root.dropLast()) : root
        self.buffer = [UInt8](repeating: 0, count: capacity)
    }

    /// The file's text, or nil when it is missing or unreadable (a sensor that vanished, a disk unplugged).
    /// The buffer doubles until the file fits, up to 4 MiB (`/proc/stat` grows with cores and interrupts).
    func read(_ path: String) -> String? {
        let fd = (root + path).withCString { open($0, O_RDONLY | O_CLOEXEC) }
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var length = 0
        while true {
            if length == buffer.count {
                guard buffer.count < 4 << 20 else { return nil }
                buffer.append(contentsOf: repeatElement(0, count: buffer.count))
            }
            let count = buffer.withUnsafeMutableBytes { raw in
                Glibc.read(fd, raw.baseAddress! + length, raw.count - length)
            }
            if count < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if count == 0 { break }
            length += count
        }
        return String(decoding: buffer[0..<length], as: UTF8.self)
    }

    /// Entry names of a directory, without "." and "..", or [] when it is missing.
    func list(_ path: String) -> [String] {
        guard let dir = (root + path).withCString({ opendir($0) }) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// statvfs of a mount point (under `root`), or nil when it cannot be read (a stale network mount).
    func space(of entry: MountEntry) -> MountUsage? {
        var info = statvfs()
        guard (root + entry.mountPoint).withCString({ statvfs($0, &info) }) == 0 else { return nil }
        let blockSize = UInt64(info.f_frsize != 0 ? info.f_frsize : info.f_bsize)
        return MountUsage(
            entry: entry, blockSize: blockSize, blocks: UInt64(info.f_blocks),
            blocksFree: UInt64(info.f_bfree), blocksAvailable: UInt64(info.f_bavail))
    }
}
