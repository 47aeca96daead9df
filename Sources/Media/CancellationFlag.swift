import Synchronization

/// Set from any thread to stop a running extraction: checked between frames and by libavformat's
/// interrupt callback during blocking reads, so a cancel takes effect within one read.
public final class CancellationFlag: Sendable {
    private let flag = Atomic<Bool>(false)

    public init() {}

    public func cancel() { flag.store(true, ordering: .relaxed) }

    public var isCancelled: Bool { flag.load(ordering: .relaxed) }
}
