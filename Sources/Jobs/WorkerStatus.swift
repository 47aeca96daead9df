public import Core

/// One worker thread as 000's job detail shows it: `{id, type, status, current_item}`, plus how it is
/// going on its job: items it finished, and the last one's time and speed (seconds of video covered per
/// second of work, as the preview generator's "speed" column; nil when the item made no frame).
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
    /// Items this worker finished (done or failed) for `jobID`.
    public var itemsDone = 0
    public var lastItemSeconds: Double?
    public var lastItemSpeed: Double?

    public var json: JSON {
        [
            "id": JSON(id), "type": .string(kind.rawValue), "status": .string(state.rawValue),
            "current_item": JSON(currentItem), "job_id": JSON(jobID), "device": JSON(device), "items_done": JSON(itemsDone),
            "last_item_seconds": lastItemSeconds.map { .double(($0 * 100).rounded() / 100) } ?? .null,
            "last_item_speed": lastItemSpeed.map { .double(($0 * 10).rounded() / 10) } ?? .null,
        ]
    }
}
