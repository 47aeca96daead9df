import Core
import Store
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// inotify on the folders of every enabled library with `realtime_monitoring`, on a thread of its
/// own: a file created, written, moved or deleted queues an incremental scan of its library once the
/// library has been quiet for `quietMilliseconds` (10 s by default) (a copy of a season is one scan, not fifty). New
/// subfolders are watched as they appear; at most `maximumWatches` folders are watched in all (the
/// rest are still found by scheduled and manual scans, and the log says so once).
public final class LibraryWatcher: Sendable {
    static let maximumWatches = 8192

    let database: Database
    let scanner: LibraryScanner
    let clock: @Sendable () -> Int64
    let quietMilliseconds: Int64
    let stopped = Atomic<Bool>(false)
    /// Set when libraries change: the watches are rebuilt on the next turn.
    let stale = Atomic<Bool>(true)

    init(database: Database, scanner: LibraryScanner, quietMilliseconds: Int64, clock: @escaping @Sendable () -> Int64) {
        self.quietMilliseconds = quietMilliseconds
        self.database = database
        self.scanner = scanner
        self.clock = clock
    }

    /// Starts the thread; false when it could not be made.
    @discardableResult
    public func start() -> Bool {
        DetachedThread.start { [self] in run() }
    }

    /// The thread ends within half a second.
    public func stop() {
        stopped.store(true, ordering: .releasing)
    }

    /// Libraries were added, changed or removed: watch their folders afresh.
    public func reload() {
        stale.store(true, ordering: .releasing)
    }

    struct Watches {
        var libraryOf: [Int32: String] = [:]
        var pathOf: [Int32: String] = [:]
        var full = false
    }

    func run() {
        let fd = inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK))
        guard fd >= 0 else {
            Log.shared.warning("Failed to watch 'library folders' (inotify_init1): \(String(cString: strerror(errno))); scans run only when asked")
            return
        }
        defer { close(fd) }
        var watches = Watches()
        var quietSince: [String: Int64] = [:]
        var buffer = [UInt8](repeating: 0, count: 65536)
        while !stopped.load(ordering: .acquiring) {
            if stale.exchange(false, ordering: .acquiringAndReleasing) { rebuild(fd, &watches) }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if poll(&poller, 1, 500) > 0 {
                for library in drain(fd, &buffer, &watches) { quietSince[library] = clock() }
            }
            let now = clock()
            for (library, since) in quietSince where now - since >= quietMilliseconds {
                quietSince[library] = nil
                queueScan(library)
            }
        }
    }

    /// Removes every watch and adds one per folder of each watched library.
    func rebuild(_ fd: Int32, _ watches: inout Watches) {
        for wd in watches.libraryOf.keys { inotify_rm_watch(fd, wd) }
        watches = Watches()
        let libraries = (try? database.withConnection { connection in try LibraryStore.list(connection, scope: .all) }) ?? []
        for library in libraries where library.enabled && library.realtimeMonitoring {
            for folder in library.paths { watchTree(fd, folder, library: library.id, &watches) }
        }
    }

    static let mask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CREATE | IN_DELETE_SELF | IN_ONLYDIR)

    /// Watches `folder` and the folders below it (links not followed), within the bound.
    func watchTree(_ fd: Int32, _ folder: String, library: String, _ watches: inout Watches) {
        var pending = [folder]
        while let path = pending.popLast() {
            guard watches.libraryOf.count < Self.maximumWatches else {
                if !watches.full {
                    watches.full = true
                    Log.shared.warning("Watching \(Self.maximumWatches) library folders already; deeper changes wait for the next scan")
                }
                return
            }
            let wd = inotify_add_watch(fd, path, Self.mask)
            guard wd >= 0 else { continue }
            watches.libraryOf[wd] = library
            watches.pathOf[wd] = path
            guard let directory = opendir(path) else { continue }
            while let entry = readdir(directory) {
                guard entry.pointee.d_type == UInt8(DT_DIR) else { continue }
                let name = FileWalker.name(of: entry)
                if name == "." || name == ".." || name.hasPrefix(".") { continue }
                pending.append(path + "/" + name)
            }
            closedir(directory)
        }
    }

    /// Reads pending events; answers the libraries they concern. A folder made inside a watched one is
    /// watched too; an overflow marks every library changed and the watches stale.
    func drain(_ fd: Int32, _ buffer: inout [UInt8], _ watches: inout Watches) -> Set<String> {
        var changed = Set<String>()
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { return changed }
            var offset = 0
            while offset + MemoryLayout<inotify_event>.size <= n {
                let (wd, mask, length) = buffer.withUnsafeBytes { raw in
                    let event = raw.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                    return (event.wd, event.mask, Int(event.len))
                }
                let nameStart = offset + MemoryLayout<inotify_event>.size
                let name = String(decoding: buffer[nameStart..<min(nameStart + length, n)].prefix { $0 != 0 }, as: UTF8.self)
                offset = nameStart + length
                if mask & UInt32(IN_Q_OVERFLOW) != 0 {
                    changed.formUnion(watches.libraryOf.values)
                    stale.store(true, ordering: .releasing)
                    continue
                }
                guard let library = watches.libraryOf[wd] else { continue }
                if mask & UInt32(IN_IGNORED) != 0 {
                    watches.libraryOf[wd] = nil
                    watches.pathOf[wd] = nil
                    continue
                }
                if name.hasPrefix(".") { continue }
                changed.insert(library)
                if mask & UInt32(IN_ISDIR) != 0, mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0, let parent = watches.pathOf[wd] {
                    watchTree(fd, parent + "/" + name, library: library, &watches)
                }
            }
        }
    }

    func queueScan(_ libraryID: String) {
        do {
            try database.withConnection { connection in
                guard let library = try LibraryStore.get(connection, id: libraryID), library.enabled else { return }
                _ = try scanner.enqueue(connection, library: library, type: "incremental")
            }
        } catch {
            Log.shared.error("Failed to queue 'a scan after folder changes': \(error)")
        }
    }
}
