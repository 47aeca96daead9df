public import Core
import Dispatch
import Synchronization

/// What the inventory shows and where it reads the host from.
public struct HardwareOptions: Sendable {
    /// Show loop, ram, zram (and device-mapper, md, nbd) devices among the disks.
    public var showVirtual: Bool
    /// Ask VA-API what each openable render node decodes.
    public var probeDecode: Bool
    /// Asks VA-API about one render node: in the media helper (`applianced-media`), so the daemon
    /// never maps libva. Called on a scanning thread, once per GPU at start and on hot-plug; the
    /// inventory keeps the answer. Nil: decode support is not probed.
    public var decodeProbe: (@Sendable (String) -> DecodeSupport)?
    public var mountInfoPath: String
    public var nvidiaProcRoot: String

    public init(
        showVirtual: Bool = false, probeDecode: Bool = true, decodeProbe: (@Sendable (String) -> DecodeSupport)? = nil,
        mountInfoPath: String = "/proc/self/mountinfo", nvidiaProcRoot: String = "/proc/driver/nvidia"
    ) {
        self.showVirtual = showVirtual
        self.probeDecode = probeDecode
        self.decodeProbe = decodeProbe
        self.mountInfoPath = mountInfoPath
        self.nvidiaProcRoot = nvidiaProcRoot
    }
}

/// The hardware at one moment: GPUs, disks, and what could not be enumerated.
public struct HardwareSnapshot: Sendable, Equatable {
    public var gpus: [GPU]
    public var disks: [Disk]
    /// Enumeration failures (`udev_new: …`), empty when all went well.
    public var errors: [String]

    public var json: JSON {
        ["gpus": .array(gpus.map(\.json)), "disks": .array(disks.map(\.json)), "errors": .array(errors.map(JSON.string))]
    }
}

/// The box's GPUs and disks, kept current by scans and the udev monitor, with a stream of changes.
/// Blocking work (libudev, VA-API, statvfs) runs on the caller's thread in the `…Now` methods and off the
/// cooperative pool in the `async` ones.
public final class HardwareInventory: Sendable {
    public let options: HardwareOptions
    private let state = Mutex(State())
    /// Serializes scans (the monitor thread, API rescans) so their diffs do not interleave.
    private let scanning = Mutex(())

    private struct State {
        var snapshot = HardwareSnapshot(gpus: [], disks: [], errors: [])
        var subscribers: [Int: @Sendable (HardwareEvent) -> Void] = [:]
        var nextSubscriber = 0
    }

    public init(options: HardwareOptions = HardwareOptions()) {
        self.options = options
    }

    public var snapshot: HardwareSnapshot { state.withLock { $0.snapshot } }

    // MARK: Scans

    /// Enumerates GPUs and disks now (blocking), publishes the differences as events, returns the snapshot.
    @discardableResult
    public func scanNow() -> HardwareSnapshot {
        scanning.withLock { _ in
            var errors: [String] = []
            let session: UdevSession
            do {
                session = try UdevSession()
            } catch {
                publish(gpus: [], disks: [], errors: ["\(error)"])
                return snapshot
            }
            let gpus = scanGPUs(session, force: false, errors: &errors)
            let disks = scanDisks(session, errors: &errors)
            publish(gpus: gpus, disks: disks, errors: errors)
            return snapshot
        }
    }

    /// Re-enumerates GPUs and probes every render node again (blocking); returns the new list.
    @discardableResult
    public func rescanGPUsNow() -> [GPU] {
        scanning.withLock { _ in
            var errors: [String] = []
            guard let session = try? UdevSession() else { return snapshot.gpus }
            let gpus = scanGPUs(session, force: true, errors: &errors)
            publish(gpus: gpus, disks: nil, errors: errors)
            return gpus
        }
    }

    /// Re-reads disks, mounts, usage and temperatures (blocking).
    @discardableResult
    public func refreshDisksNow() -> [Disk] {
        scanning.withLock { _ in
            var errors: [String] = []
            guard let session = try? UdevSession() else { return snapshot.disks }
            let disks = scanDisks(session, errors: &errors)
            publish(gpus: nil, disks: disks, errors: errors)
            return disks
        }
    }

    public func scan() async -> HardwareSnapshot { await offPool { self.scanNow() } }
    public func rescanGPUs() async -> [GPU] { await offPool { self.rescanGPUsNow() } }
    public func refreshDisks() async -> [Disk] { await offPool { self.refreshDisksNow() } }

    private func offPool<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .utility).async { continuation.resume(returning: work()) }
        }
    }

    func scanGPUs(_ session: UdevSession, force: Bool, errors: inout [String]) -> [GPU] {
        let records: [DeviceRecord]
        do {
            records = try session.records(subsystem: "drm")
        } catch {
            errors.append("\(error)")
            return []
        }
        let previous = Dictionary(snapshot.gpus.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return GPUClassifier.gpus(from: records).map { gpu in
            if !force, let known = previous[gpu.id], known.nodes == gpu.nodes { return known }
            return probe(gpu)
        }
    }

    /// Fills in access and decode support for a freshly classified GPU (blocking: opens nodes, loads drivers).
    func probe(_ gpu: GPU) -> GPU {
        var gpu = gpu
        if gpu.driver == "nvidia", let slot = gpu.pciSlot {
            gpu.nvidia = NVIDIADriverInfo.read(pciSlot: slot, root: options.nvidiaProcRoot)
        }
        guard let node = gpu.renderNode else { return gpu }
        gpu.access = HostProbes.access(node: node)
        switch gpu.access {
        case .ok:
            if gpu.nvidia != nil {
                gpu.decode = .unavailable(reason: "NVIDIA decodes through NVDEC (CUDA), not VA-API; codecs are not probed")
            } else if options.probeDecode, let decodeProbe = options.decodeProbe {
                gpu.decode = decodeProbe(node)
            } else {
                gpu.decode = .unavailable(reason: "decode probing is turned off")
            }
        case .denied(let group):
            gpu.decode = .unavailable(reason: "cannot open '\(node)'" + (group.map { ": add the daemon's user to the '\($0)' group" } ?? ""))
        case .unavailable(let reason):
            gpu.decode = .unavailable(reason: reason)
        case .noRenderNode:
            break
        }
        return gpu
    }

    func scanDisks(_ session: UdevSession, errors: inout [String]) -> [Disk] {
        do {
            return diskClassifier().disks(from: try session.records(subsystem: "block"))
        } catch {
            errors.append("\(error)")
            return []
        }
    }

    func diskClassifier() -> DiskClassifier {
        DiskClassifier(
            mounts: HostProbes.mountTable(path: options.mountInfoPath), showVirtual: options.showVirtual,
            usage: HostProbes.usage(mountPoint:), temperature: HostProbes.temperature)
    }

    // MARK: Hot-plug (called on the monitor thread)

    /// Applies one uevent: a removal drops the device at once; an addition or change re-reads its subsystem.
    func handle(action: String, record: DeviceRecord, session: UdevSession) {
        scanning.withLock { _ in
            var errors: [String] = []
            let current = snapshot
            switch (record.subsystem, action) {
            case ("block", "remove"):
                var disks = current.disks.filter { $0.syspath != record.syspath }
                for index in disks.indices { disks[index].partitions.removeAll { $0.syspath == record.syspath } }
                publish(gpus: nil, disks: disks, errors: current.errors)
            case ("drm", "remove"):
                var gpus = current.gpus
                for index in gpus.indices { gpus[index].nodes.removeAll { $0.syspath == record.syspath } }
                publish(gpus: gpus.filter { !$0.nodes.isEmpty }, disks: nil, errors: current.errors)
            case ("block", _):
                publish(gpus: nil, disks: scanDisks(session, errors: &errors), errors: errors)
            case ("drm", _):
                publish(gpus: scanGPUs(session, force: false, errors: &errors), disks: nil, errors: errors)
            default:
                break
            }
        }
    }

    // MARK: Subscribers

    /// Calls `handler` with every change from now on, on the thread that made the change (the monitor
    /// thread, or a scan's). Keep the returned subscription; cancelling it or dropping it unsubscribes.
    public func subscribe(_ handler: @escaping @Sendable (HardwareEvent) -> Void) -> HardwareSubscription {
        let id = state.withLock { state in
            state.nextSubscriber += 1
            state.subscribers[state.nextSubscriber] = handler
            return state.nextSubscriber
        }
        return HardwareSubscription { [weak self] in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) }
        }
    }

    /// Every change from now on as a stream; the newest 256 are kept if the reader falls behind.
    public func events() -> AsyncStream<HardwareEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: HardwareEvent.self, bufferingPolicy: .bufferingNewest(256))
        let subscription = subscribe { continuation.yield($0) }
        continuation.onTermination = { _ in subscription.cancel() }
        return stream
    }

    /// Replaces parts of the snapshot and tells subscribers what changed (outside the lock).
    private func publish(gpus: [GPU]?, disks: [Disk]?, errors: [String]) {
        let (events, handlers) = state.withLock { state -> ([HardwareEvent], [@Sendable (HardwareEvent) -> Void]) in
            var events: [HardwareEvent] = []
            if let gpus {
                events += HardwareDiff.gpus(from: state.snapshot.gpus, to: gpus)
                state.snapshot.gpus = gpus
            }
            if let disks {
                events += HardwareDiff.disks(from: state.snapshot.disks, to: disks)
                state.snapshot.disks = disks
            }
            state.snapshot.errors = errors
            return (events, state.subscribers.sorted { $0.key < $1.key }.map(\.value))
        }
        for event in events {
            for handler in handlers { handler(event) }
        }
    }
}

/// A live subscription to hardware events; `cancel()` (or dropping it) ends it.
public final class HardwareSubscription: Sendable {
    private let onCancel: Mutex<(@Sendable () -> Void)?>

    init(onCancel: @escaping @Sendable () -> Void) {
        self.onCancel = Mutex(onCancel)
    }

    public func cancel() {
        let action = onCancel.withLock { action in
            defer { action = nil }
            return action
        }
        action?()
    }

    deinit { cancel() }
}
