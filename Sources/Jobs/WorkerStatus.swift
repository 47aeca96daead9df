public import Core

/// One worker thread as 000's job detail shows it: `{id, type, status, current_item}`.
public struct WorkerStatus: Sendable, Equatable {
    /// `gpu` or `cpu`.
    public enum Kind: String, Sendable { case gpu, cpu }
    /// `idle`, `working`, `paused` (Plex is streaming) or `stopped`.
    public enum State: String, Sendable { case idle, working, paused, stopped }

    public let id: Int
    public let kind: Kind
    /// The render node of a GPU worker.
    public let device: String?
    public var state: State
    public var currentItem: String?
    public var jobID: String?

    public var json: JSON {
        [
            "id": JSON(id), "type": .string(kind.rawValue), "status": .string(state.rawValue),
            "current_item": JSON(currentItem), "job_id": JSON(jobID), "device": JSON(device),
        ]
    }
}
