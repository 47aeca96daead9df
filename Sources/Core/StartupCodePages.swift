#if canImport(Glibc)
    import Glibc
#endif

/// Releases the code and read-only pages that start-up faulted in, the executable's and its libraries',
/// once the daemon has settled. The static binary's text is 16 MB; start-up (the settings schema, every route's table and OpenAPI
/// entry, migrations, the first hardware scan) touches code all over it, and the kernel maps 64 KiB
/// around each fault, so 9–10 MB of it stayed resident in an idle daemon that runs a small part of
/// it; its read-only data (tables, metadata, unwind information) likewise. `MADV_DONTNEED` on such a
/// mapping drops the pages from this process only: they stay in the page cache, and what an idle or
/// busy daemon uses is mapped again on its next use (a minor fault). Only mappings that cannot be
/// written and never were are released (no private dirty or anonymous page: relocated read-only data,
/// or a text page a debugger or text relocations patched, would lose its contents). The shared libraries'
/// pages go the same way: libcrypto and SQLite run their initialisation once (1.8 MB of libcrypto's text
/// and 1.5 MB of its read-only data were resident in an idle daemon), and libcurl's chain once loaded.
/// Writable mappings are paged out instead (`MADV_PAGEOUT`), which takes only their clean pages: Swift
/// emits `.rodata` writable, so 1.1 MB of the binary's constant data that start-up read sits there.
public enum StartupCodePages {
    /// Releases the unwritten read-only mappings of the executable and of every library, and pages out
    /// the clean pages of their writable ones; answers the bytes that were resident.
    @discardableResult
    public static func release() -> Int {
        guard let smaps = FileSystem.readIfPresent("/proc/self/smaps") else { return 0 }
        let mappings = fileMappings(smaps)  // parsed once: the text is 100–700 KB
        var released = 0
        for mapping in mappings where mapping.isReleasable {
            guard let start = UnsafeMutableRawPointer(bitPattern: mapping.start) else { continue }
            if madvise(start, Int(mapping.end - mapping.start), MADV_DONTNEED) == 0 { released += mapping.resident }
        }
        // Written mappings (data, relocated data) keep what was written: MADV_PAGEOUT reclaims only the
        // clean file pages among them (written pages are anonymous, and without swap they stay), and only
        // those this process alone maps. Kernels before 5.4 refuse it, and the pages stay.
        for mapping in mappings where mapping.isReclaimable {
            guard let start = UnsafeMutableRawPointer(bitPattern: mapping.start) else { continue }
            if madvise(start, Int(mapping.end - mapping.start), MADV_PAGEOUT) == 0 {
                released += mapping.resident - mapping.privateDirty
            }
        }
        return released
    }

    /// The read-only file mappings that `release` drops, as they are now, for `releaseAgain` to drop
    /// once more later, where `/proc/self/smaps` can no longer be read (a helper under Landlock).
    public static func readOnlyMappings() -> [Mapping] {
        FileSystem.readIfPresent("/proc/self/smaps").map(releasable) ?? []
    }

    /// Drops the pages of `mappings` (from `readOnlyMappings`) from this process again: what a phase of
    /// work ran once (a media helper's probe of a file's container calls every demuxer's probe) does not
    /// stay resident through the next phase. They stay in the page cache; what is used again is a
    /// minor fault. The mappings cannot have been written since: they are read-only, and were unwritten.
    public static func releaseAgain(_ mappings: [Mapping]) {
        for mapping in mappings {
            guard let start = UnsafeMutableRawPointer(bitPattern: mapping.start) else { continue }
            _ = madvise(start, Int(mapping.end - mapping.start), MADV_DONTNEED)
        }
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
        /// What `release` drops: read-only and never written.
        var isReleasable: Bool { isReadOnly && untouchedByWrites }
        /// What `release` asks the kernel to page out: writable, holding clean pages (data start-up read
        /// and did not write).
        var isReclaimable: Bool { !isReadOnly && resident > privateDirty }
    }

    /// What `release` drops: the unwritten read-only private mappings of files on disk.
    public static func releasable(_ smaps: String) -> [Mapping] {
        fileMappings(smaps).filter(\.isReleasable)
    }

    /// What `release` asks the kernel to page out: the writable private mappings of files on disk that
    /// hold clean pages.
    public static func reclaimable(_ smaps: String) -> [Mapping] {
        fileMappings(smaps).filter(\.isReclaimable)
    }

    /// Every private mapping of a file on disk, written or not.
    public static func fileMappings(_ smaps: String) -> [Mapping] {
        mappings(smaps, where: isReleasableFile)
    }

    /// A private mapping of a file on disk (not a device, a memfd or a file since deleted), so that what is
    /// dropped can be read again from the page cache.
    static func isReleasableFile(_ path: Substring, permissions: Substring) -> Bool {
        path.hasPrefix("/") && !path.hasPrefix("/dev/") && !path.hasPrefix("/memfd:") && permissions.hasSuffix("p")
    }

    /// The mappings of `path` in an smaps text: range, whether writable, and Rss, Private_Dirty and
    /// Anonymous in bytes.
    public static func mappings(_ smaps: String, of path: String) -> [Mapping] {
        mappings(smaps) { name, _ in name == path }
    }

    /// The mappings whose path (and permissions) `select` accepts; a mapping whose line goes on after
    /// the path (`(deleted)`) is never selected.
    static func mappings(_ smaps: String, where select: (Substring, Substring) -> Bool) -> [Mapping] {
        var result: [Mapping] = []
        var current: Mapping?
        // Split on bytes, not Characters: a helper's smaps (170 libraries) is 700 KB.
        for line in smaps[...].split(onBytes: { $0 == UInt8(ascii: "\n") }) {
            let fields = line.split(onBytes: { $0 == UInt8(ascii: " ") })
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
            guard fields.count == 6, select(fields[5], fields[1]), range.count == 2, let start = UInt(range[0], radix: 16),
                let end = UInt(range[1], radix: 16), end > start
            else { continue }
            current = Mapping(start: start, end: end, isReadOnly: fields[1].hasPrefix("r") && !fields[1].contains("w"))
        }
        if let mapping = current { result.append(mapping) }
        return result
    }
}
