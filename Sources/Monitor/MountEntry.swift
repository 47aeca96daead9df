/// One line of `/proc/self/mountinfo` that holds a real filesystem (one that stores files on a device).
public struct MountEntry: Sendable, Equatable {
    public var device: String
    public var mountPoint: String
    public var fileSystem: String
    public var source: String

    public init(device: String, mountPoint: String, fileSystem: String, source: String) {
        self.device = device
        self.mountPoint = mountPoint
        self.fileSystem = fileSystem
        self.source = source
    }

    /// Filesystems that hold data on a disk; pseudo filesystems (proc, tmpfs, cgroup, overlay, …) are left out.
    public static let realFileSystems: Set<String> = [
        "ext2", "ext3", "ext4", "xfs", "btrfs", "vfat", "exfat", "ntfs", "ntfs3", "fuseblk", "f2fs", "zfs", "jfs",
        "reiserfs", "hfsplus", "nfs", "nfs4", "cifs", "smb3", "bcachefs",
    ]

    /// Real filesystems, one entry per device (the shortest mount point wins, so bind mounts of a
    /// directory of `/` do not count the same disk twice), in file order.
    public static func parse(_ text: String, file: String = "/proc/self/mountinfo") throws(ProcParseError) -> [MountEntry] {
        var byDevice: [String: Int] = [:]
        var result: [MountEntry] = []
        for (index, line) in Fields.lines(text).enumerated() {
            let fields = Fields.split(line)
            guard let separator = fields.firstIndex(of: "-"), separator >= 6, fields.count >= separator + 3 else {
                throw ProcParseError(file: file, line: index + 1, reason: "expected 'id parent dev root mount options … - type source'")
            }
            let type = String(fields[separator + 1])
            guard realFileSystems.contains(type) else { continue }
            let entry = MountEntry(
                device: String(fields[2]), mountPoint: unescape(fields[4]), fileSystem: type,
                source: unescape(fields[separator + 2]))
            if let existing = byDevice[entry.device] {
                if entry.mountPoint.count < result[existing].mountPoint.count { result[existing] = entry }
            } else {
                byDevice[entry.device] = result.count
                result.append(entry)
            }
        }
        return result
    }

    /// mountinfo writes space, tab, newline and backslash as `\040`, `\011`, `\012`, `\134`.
    static func unescape(_ field: Substring) -> String {
        guard field.contains("\\") else { return String(field) }
        var bytes: [UInt8] = []
        let utf8 = Array(field.utf8)
        var i = 0
        while i < utf8.count {
            if utf8[i] == UInt8(ascii: "\\"), i + 3 < utf8.count,
                let value = UInt8(String(decoding: utf8[(i + 1)...(i + 3)], as: UTF8.self), radix: 8)
            {
                bytes.append(value)
                i += 4
            } else {
                bytes.append(utf8[i])
                i += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// Space on one mounted filesystem, as `df` counts it: free is what unprivileged users may still write.
public struct MountUsage: Sendable, Equatable {
    public var mountPoint: String
    public var device: String
    public var fileSystem: String
    public var totalBytes: UInt64
    public var usedBytes: UInt64
    public var freeBytes: UInt64

    public init(
        mountPoint: String, device: String, fileSystem: String, totalBytes: UInt64, usedBytes: UInt64,
        freeBytes: UInt64
    ) {
        self.mountPoint = mountPoint
        self.device = device
        self.fileSystem = fileSystem
        self.totalBytes = totalBytes
        self.usedBytes = usedBytes
        self.freeBytes = freeBytes
    }

    /// From statvfs block counts: used = blocks − bfree, free = bavail, usage = used / (used + bavail) like `df`.
    public init(entry: MountEntry, blockSize: UInt64, blocks: UInt64, blocksFree: UInt64, blocksAvailable: UInt64) {
        self.init(
            mountPoint: entry.mountPoint, device: entry.source, fileSystem: entry.fileSystem,
            totalBytes: blocks &* blockSize, usedBytes: (blocks > blocksFree ? blocks - blocksFree : 0) &* blockSize,
            freeBytes: blocksAvailable &* blockSize)
    }

    /// 0–100, as `df` rounds it before the ceiling.
    public var usage: Double {
        let denominator = usedBytes &+ freeBytes
        return denominator == 0 ? 0 : Double(usedBytes) / Double(denominator) * 100
    }
}
