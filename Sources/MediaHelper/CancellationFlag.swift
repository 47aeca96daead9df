import Synchronization

/// Set from any thread to stop a helper request: the thread waiting for the helper's reply looks at it
/// every 100 ms and kills the helper, so a cancel takes effect even in the middle of a long decode.
public final class CancellationFlag: Sendable {
    private let flag = Atomic<Bool>(false)

    public init() {}

    public func cancel() { flag.store(true, ordering: .relaxed) }

    public var isCancelled: Bool { flag.load(ordering: .relaxed) }
}
