public import Core

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
    private let subscribers = Subscribers<JobEvent>()

    public init() {}

    /// Adds a subscriber; keep the id to remove it.
    public func subscribe(_ subscriber: @escaping Subscriber) -> Int { subscribers.add(subscriber) }

    public func unsubscribe(_ id: Int) { subscribers.remove(id) }

    public func publish(_ event: JobEvent) { subscribers.publish(event) }
}
