#if canImport(Glibc)
    import Glibc
#endif

/// A small tmpfs mounted for one test, to run out of space on purpose (`ENOSPC`, `SQLITE_FULL`);
/// unmounted when released. Mounting needs root (or CAP_SYS_ADMIN): tests check `isMountable`
/// and skip with a reason elsewhere.
public final class SmallFilesystem: @unchecked Sendable {
    // @unchecked: `path` is set once; the filler is touched only by the test that owns the mount.
    public let path: String
    private var filler: String { path + "/.filler" }

    /// Whether this process may mount a tmpfs (tried once, on a scratch directory).
    public static let isMountable: Bool = {
        let probe = TemporaryDirectory("tmpfs-probe")
        guard mount("tmpfs", probe.path, "tmpfs", 0, "size=64k") == 0 else { return false }
        umount2(probe.path, Int32(MNT_DETACH))
        return true
    }()

    /// Mounts a tmpfs of `bytes` on the existing directory `path` (what was there is hidden until release).
    public init(at path: String, bytes: Int) throws {
        guard mount("tmpfs", path, "tmpfs", 0, "size=\(bytes),mode=0755") == 0 else {
            throw MountFailure(description: "mount tmpfs on \(path): \(String(cString: strerror(errno)))")
        }
        self.path = path
    }

    /// The mount was refused.
    public struct MountFailure: Error, CustomStringConvertible {
        public let description: String
    }

    private var mounted = true

    deinit { unmount() }

    /// Unmounts now (tests call it before the directory holding the mount point is removed).
    public func unmount() {
        guard mounted else { return }
        umount2(path, Int32(MNT_DETACH))
        mounted = false
    }

    /// Takes every free byte with one file, so the next write that needs space fails with ENOSPC.
    public func fill() {
        let fd = open(filler, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        defer { close(fd) }
        for size in [65_536, 4096, 512, 1] {
            let zeros = [UInt8](repeating: 0, count: size)
            while write(fd, zeros, size) == size {}
        }
    }

    /// Gives the space back.
    public func free() {
        unlink(filler)
    }
}
