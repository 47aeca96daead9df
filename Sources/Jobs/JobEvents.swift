public import Core
import Synchronization

/// One event of 000's `/api/ws`: `job_progress`, `job_complete`, `job_error`, `worker_update`.
public struct JobEvent: Sendable, Equatable {
    public let event: String
    public let data: JSON
    /// The job it is about (nil for worker updates that are not tied to one).
    public let jobID: String?

    public init(event: String, data: JSON, jobID: String?) {
        self.event = event
        self.data = data
        self.jobID = jobID
    }

    /// `{"event": …, "data": …}` as sent on the WebSocket.
    public var message: JSON { ["event": .string(event), "data": data] }
}

/// Fans job events out to subscribers (WebSocket connections), on the thread that publishes.
/// Subscribers must return quickly.
public final class JobEventHub: Sendable {
    public typealias Subscriber = @Sendable (JobEvent) -> Void
    private let state = Mutex<(next: Int, subscribers: [Int: Subscriber])>((0, [:]))

    public init() {}

    /// Adds a subscriber; keep the id to remove it.
    public func subscribe(_ subscriber: @escaping Subscriber) -> Int {
        state.withLock { state in
            state.next += 1
            state.subscribers[state.next] = subscriber
            return state.next
        }
    }

    public func unsubscribe(_ id: Int) {
        _ = state.withLock { $0.subscribers.removeValue(forKey: id) }
    }

    public func publish(_ event: JobEvent) {
        for subscriber in state.withLock({ Array($0.subscribers.values) }) { subscriber(event) }
    }
}
