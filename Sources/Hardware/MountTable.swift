/// One line of `/proc/self/mountinfo`: which device is mounted where, with what filesystem.
public struct MountEntry: Sendable, Equatable {
    /// `major:minor` of the mounted device (`0:…` for btrfs subvolumes and virtual filesystems).
    public var devnum: String
    /// Path inside the filesystem that is mounted (`/` unless it is a bind mount or subvolume).
    public var root: String
    public var mountPoint: String
    public var filesystem: String
    /// The mount source (`/dev/sda1`, `tmpfs`, …).
    public var source: String
    public var readOnly: Bool
}

/// Parses `/proc/self/mountinfo` (proc(5)): fields separated by spaces, optional fields ended by `-`,
/// and space, tab, newline and backslash in paths written as octal escapes (`\040`). Pure.
enum MountTable {
    static func parse(_ text: String) -> [MountEntry] {
        text.split(separator: "\n").compactMap { parseLine(Substring($0)) }
    }

    /// One line, or nil when it is malformed (too few fields, no `-` separator).
    static func parseLine(_ line: Substring) -> MountEntry? {
        let fields = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard fields.count >= 10, let separator = fields[6...].firstIndex(of: "-"), separator + 3 <= fields.count else {
            return nil
        }
        let options = fields[5].split(separator: ",")
        return MountEntry(
            devnum: fields[2],
            root: unescape(fields[3]),
            mountPoint: unescape(fields[4]),
            filesystem: unescape(fields[separator + 1]),
            source: unescape(fields[separator + 2]),
            readOnly: options.contains("ro")
        )
    }

    /// Decodes `\NNN` octal escapes; a backslash not followed by three octal digits stays as it is.
    static func unescape(_ field: String) -> String {
        guard field.contains("\\") else { return field }
        let bytes = Array(field.utf8)
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\\"), index + 3 < bytes.count {
                let digits = bytes[(index + 1)...(index + 3)]
                if digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "7") }) {
                    let value = digits.reduce(0) { $0 * 8 + Int($1 - UInt8(ascii: "0")) }
                    if value <= 255 {
                        out.append(UInt8(value))
                        index += 4
                        continue
                    }
                }
            }
            out.append(bytes[index])
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
