import Core
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// inotify on the config directories, on a thread of its own: after a burst of changes to `*.toml` files
/// (write, rename into place, delete), calls `onChange` once.
final class ConfigWatcher: Sendable {
    private let fd: Int32
    private let stopped = Atomic<Bool>(false)

    init(directories: [String], onChange: @escaping @Sendable () -> Void) throws(SystemError) {
        fd = try retryingSyscall("inotify_init1") { inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK)) }
        let mask = UInt32(IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CREATE | IN_ATTRIB)
        var watched = 0
        for directory in directories where inotify_add_watch(fd, directory, mask) >= 0 {
            watched += 1
        }
        guard watched > 0 else {
            let code = errno
            close(fd)
            throw SystemError(code: code, call: "inotify_add_watch", subject: directories.joined(separator: ", "))
        }
        let body = WatcherThread(fd: fd, stopped: self, onChange: onChange)
        var thread = pthread_t()
        let context = Unmanaged.passRetained(body).toOpaque()
        let rc = pthread_create(
            &thread, nil,
            { raw in
                guard let raw else { return nil }
                Unmanaged<WatcherThread>.fromOpaque(raw).takeRetainedValue().run()
                return nil
            }, context)
        guard rc == 0 else {
            Unmanaged<WatcherThread>.fromOpaque(context).release()
            close(fd)
            throw SystemError(code: rc, call: "pthread_create", subject: "config watcher")
        }
        pthread_detach(thread)
    }

    var isStopped: Bool { stopped.load(ordering: .acquiring) }

    /// The thread notices within 200 ms, closes the inotify descriptor and ends.
    func stop() {
        stopped.store(true, ordering: .releasing)
    }
}

/// The watcher thread's loop; holds what it needs so that nothing outlives it.
private final class WatcherThread: Sendable {
    let fd: Int32
    let owner: ConfigWatcher
    let onChange: @Sendable () -> Void

    init(fd: Int32, stopped owner: ConfigWatcher, onChange: @escaping @Sendable () -> Void) {
        self.fd = fd
        self.owner = owner
        self.onChange = onChange
    }

    func run() {
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 16384)
        while !owner.isStopped {
            guard wait(milliseconds: 200) else { continue }
            var relevant = drain(&buffer)
            // Coalesce a burst (an editor's write + rename, a `cp` of several drop-ins) into one reload.
            while wait(milliseconds: 20) { relevant = drain(&buffer) || relevant }
            if relevant { onChange() }
        }
    }

    func wait(milliseconds: Int32) -> Bool {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&poller, 1, milliseconds) > 0
    }

    /// Reads pending events; true when one concerns a `.toml` file or the drop-in directory itself.
    func drain(_ buffer: inout [UInt8]) -> Bool {
        var relevant = false
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { return relevant }
            var offset = 0
            while offset + MemoryLayout<inotify_event>.size <= n {
                let (mask, length) = buffer.withUnsafeBytes { raw in
                    let event = raw.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                    return (event.mask, Int(event.len))
                }
                let nameStart = offset + MemoryLayout<inotify_event>.size
                let nameBytes = buffer[nameStart..<min(nameStart + length, n)].prefix { $0 != 0 }
                let name = String(decoding: nameBytes, as: UTF8.self)
                if mask & UInt32(IN_Q_OVERFLOW) != 0 || mask & UInt32(IN_ISDIR) != 0
                    || (name.hasSuffix(".toml") && !name.hasPrefix("."))
                {
                    relevant = true
                }
                offset = nameStart + length
            }
        }
    }
}
