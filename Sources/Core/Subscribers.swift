import Synchronization

/// Callbacks registered under ids, called with each published value on the publishing thread, outside
/// the lock and in registration order. What every event source here (samples, alerts, jobs, service
/// changes) hands its listeners through; handlers must return quickly.
public final class Subscribers<Value: Sendable>: Sendable {
    public typealias Handler = @Sendable (Value) -> Void
    private let state = Mutex<(next: Int, handlers: [Int: Handler])>((0, [:]))

    public init() {}

    /// Adds a handler; returns the id for `remove`.
    @discardableResult
    public func add(_ handler: @escaping Handler) -> Int {
        state.withLock { state in
            state.next += 1
            state.handlers[state.next] = handler
            return state.next
        }
    }

    public func remove(_ id: Int) {
        _ = state.withLock { $0.handlers.removeValue(forKey: id) }
    }

    public func publish(_ value: Value) {
        let handlers = state.withLock { $0.handlers.sorted { $0.key < $1.key }.map(\.value) }
        for handler in handlers { handler(value) }
    }
}
