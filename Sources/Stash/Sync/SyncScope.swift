public import Core

/// What one sync copies: everything (004's `sync_all`), one entity type, or chosen scenes.
public enum SyncScope: Sendable, Equatable {
    case all
    case entity(StashEntity)
    case scenes(ids: [String])

    /// 004's job type (`sync_all`, `scene_sync`, …), kept in the job's parameters as `job_type`.
    public var jobType: String {
        switch self {
        case .all: "sync_all"
        case .entity(let entity): entity.noun + "_sync"
        case .scenes: "scene_sync"
        }
    }

    /// The entity types it covers, in order.
    var entities: [StashEntity] {
        switch self {
        case .all: StashEntity.allCases
        case .entity(let entity): [entity]
        case .scenes: [.scenes]
        }
    }
}

/// What a sync did, per entity type and in all; the job's `result` and the inline answers are made from it.
public struct SyncOutcome: Sendable {
    public struct Counts: Sendable {
        public var total = 0
        public var processed = 0
        public var created = 0
        public var updated = 0
        public var removed = 0
        public var failed = 0
    }

    public var jobID: String
    public var status = "completed"
    public var counts: [StashEntity: Counts] = [:]
    /// Per-item problems and the failure, at most 50.
    public var errors: [String] = []
    public var startedAt: Int64
    public var completedAt: Int64?

    public var all: Counts {
        counts.values.reduce(into: Counts()) { sum, c in
            sum.total += c.total
            sum.processed += c.processed
            sum.created += c.created
            sum.updated += c.updated
            sum.removed += c.removed
            sum.failed += c.failed
        }
    }

    mutating func note(_ error: String) {
        if errors.count < 50 { errors.append(String(error.prefix(300))) }
    }

    /// The job's `result`.
    public var json: JSON {
        var entities: [String: JSON] = [:]
        for (entity, c) in counts {
            entities[entity.rawValue] = [
                "total": JSON(c.total), "processed": JSON(c.processed), "created": JSON(c.created), "updated": JSON(c.updated),
                "removed": JSON(c.removed), "failed": JSON(c.failed),
            ]
        }
        let sum = all
        return [
            "processed": JSON(sum.processed), "created": JSON(sum.created), "updated": JSON(sum.updated), "removed": JSON(sum.removed),
            "failed": JSON(sum.failed), "entities": .object(entities), "errors": .array(errors.map(JSON.string)),
        ]
    }
}
