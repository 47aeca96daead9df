import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The udev monitor: one thread that listens on netlink for `drm` and `block` uevents and applies each
/// to the inventory at once (which tells its subscribers). `start()` once, `stop()` before exit.
public final class HardwareMonitor: Sendable {
    private let inventory: HardwareInventory
    private let running = Mutex<(thread: pthread_t, wakeFD: Int32, readFD: Int32)?>(nil)

    public init(inventory: HardwareInventory) {
        self.inventory = inventory
    }

    /// Opens the netlink monitor and starts the thread. Events that arrive before the first scan finishes
    /// are applied after it (scans and events are serialized).
    public func start() throws(HardwareError) {
        let source = try UdevEventSource(subsystems: ["drm", "block"])
        var pipeFDs: [Int32] = [-1, -1]
        guard pipe(&pipeFDs) == 0 else { throw HardwareError(call: "pipe", code: errno, subject: "") }
        for fd in pipeFDs { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        let context = Unmanaged.passRetained(MonitorContext(source: source, inventory: inventory, wakeFD: pipeFDs[0]))
        var thread = pthread_t()
        let status = pthread_create(
            &thread, nil,
            { raw in
                guard let raw else { return nil }
                let context = Unmanaged<MonitorContext>.fromOpaque(raw).takeRetainedValue()
                context.run()
                return nil
            }, context.toOpaque())
        guard status == 0 else {
            context.release()
            close(pipeFDs[0])
            close(pipeFDs[1])
            throw HardwareError(call: "pthread_create", code: status, subject: "udev monitor")
        }
        running.withLock { $0 = (thread, pipeFDs[1], pipeFDs[0]) }
    }

    /// Wakes the thread, waits for it to end, and closes the monitor.
    public func stop() {
        guard
            let (thread, wakeFD, readFD) = running.withLock({ state -> (pthread_t, Int32, Int32)? in
                defer { state = nil }
                return state
            })
        else { return }
        var one: UInt8 = 1
        _ = write(wakeFD, &one, 1)
        pthread_join(thread, nil)
        close(wakeFD)
        close(readFD)
    }

    deinit { stop() }
}

/// What the monitor thread owns: the libudev monitor (never touched by another thread) and the read end
/// of the wake-up pipe.
private final class MonitorContext {
    let source: UdevEventSource
    let inventory: HardwareInventory
    let wakeFD: Int32

    init(source: UdevEventSource, inventory: HardwareInventory, wakeFD: Int32) {
        self.source = source
        self.inventory = inventory
        self.wakeFD = wakeFD
    }

    func run() {
        var fds = [
            pollfd(fd: source.fd, events: Int16(POLLIN), revents: 0),
            pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0),
        ]
        while true {
            let ready = poll(&fds, nfds_t(fds.count), -1)
            if ready < 0 {
                if errno == EINTR { continue }
                return
            }
            if fds[1].revents != 0 { return }
            if fds[0].revents & Int16(POLLIN) != 0 {
                // Drain what is queued; each event is applied before the next is read.
                while let (action, record) = source.receive() {
                    inventory.handle(action: action, record: record, session: source.scanSession)
                }
            } else if fds[0].revents != 0 {
                return
            }
        }
    }
}
