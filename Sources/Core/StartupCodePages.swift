#if canImport(Glibc)
    import Glibc
#endif

/// Releases the executable's code and read-only pages that start-up faulted in, once the daemon has
/// settled. The static binary's text is 16 MB; start-up (the settings schema, every route's table and OpenAPI
/// entry, migrations, the first hardware scan) touches code all over it, and the kernel maps 64 KiB
/// around each fault, so 9–10 MB of it stayed resident in an idle daemon that runs a small part of
/// it; its read-only data (tables, metadata, unwind information) likewise. `MADV_DONTNEED` on such a
/// mapping drops the pages from this process only: they stay in the page cache, and what an idle or
/// busy daemon uses is mapped again on its next use (a minor fault). Only mappings that cannot be
/// written and never were are released (no private dirty or anonymous page: relocated read-only data,
/// or a text page a debugger or text relocations patched, would lose its contents).
public enum StartupCodePages {
    /// Releases the executable's unwritten read-only mappings; answers the bytes that were resident.
    @discardableResult
    public static func release() -> Int {
        guard let executable = FileSystem.executablePath(), let smaps = FileSystem.readIfPresent("/proc/self/smaps") else { return 0 }
        var released = 0
        for mapping in mappings(smaps, of: executable) where mapping.isReadOnly && mapping.untouchedByWrites {
            guard let start = UnsafeMutableRawPointer(bitPattern: mapping.start) else { continue }
            if madvise(start, Int(mapping.end - mapping.start), MADV_DONTNEED) == 0 { released += mapping.resident }
        }
        return released
    }

    public struct Mapping: Equatable, Sendable {
        public var start: UInt = 0
        public var end: UInt = 0
        /// Not writable (`r-xp`, `r--p`).
        public var isReadOnly = false
        public var resident = 0
        public var privateDirty = 0
        public var anonymous = 0
        public var untouchedByWrites: Bool { privateDirty == 0 && anonymous == 0 }
    }

    /// The mappings of `path` in an smaps text: range, whether writable, and Rss, Private_Dirty and
    /// Anonymous in bytes.
    public static func mappings(_ smaps: String, of path: String) -> [Mapping] {
        var result: [Mapping] = []
        var current: Mapping?
        for line in smaps.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard let first = fields.first else { continue }
            if first.hasSuffix(":") {
                guard current != nil, fields.count >= 2, let kilobytes = Int(fields[1]) else { continue }
                switch first {
                case "Rss:": current?.resident = kilobytes * 1024
                case "Private_Dirty:": current?.privateDirty = kilobytes * 1024
                case "Anonymous:": current?.anonymous = kilobytes * 1024
                default: break
                }
                continue
            }
            // A mapping's header: "start-end perms offset dev inode path".
            if let mapping = current { result.append(mapping) }
            current = nil
            let range = first.split(separator: "-")
            guard fields.count >= 6, fields[5] == path, range.count == 2, let start = UInt(range[0], radix: 16),
                let end = UInt(range[1], radix: 16), end > start
            else { continue }
            current = Mapping(start: start, end: end, isReadOnly: fields[1].hasPrefix("r") && !fields[1].contains("w"))
        }
        if let mapping = current { result.append(mapping) }
        return result
    }
}
