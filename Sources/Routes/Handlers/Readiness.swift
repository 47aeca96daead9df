import HTTP
import Synchronization

/// Whether the daemon may take traffic: `/readyz` answers 503 until config and state are both open and
/// the start-up work done after the server began listening (first hardware scan, workers) is over.
public final class Readiness: Sendable {
    private let configOpen = Atomic<Bool>(false)
    private let stateOpen = Atomic<Bool>(false)
    private let started = Atomic<Bool>(false)

    public init() {}

    public func markConfigOpen(_ open: Bool = true) { configOpen.store(open, ordering: .releasing) }
    public func markStateOpen(_ open: Bool = true) { stateOpen.store(open, ordering: .releasing) }
    public func markStarted(_ done: Bool = true) { started.store(done, ordering: .releasing) }

    public var isReady: Bool {
        configOpen.load(ordering: .acquiring) && stateOpen.load(ordering: .acquiring) && started.load(ordering: .acquiring)
    }

    /// What is still missing, for the 503 body.
    public var missing: [String] {
        var parts: [String] = []
        if !configOpen.load(ordering: .acquiring) { parts.append("config") }
        if !stateOpen.load(ordering: .acquiring) { parts.append("state") }
        if !started.load(ordering: .acquiring) { parts.append("start-up") }
        return parts
    }
}
