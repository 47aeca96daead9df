public import Core
public import FoundationEssentials
public import Store
import Previews
import Synchronization

/// Schedules: validates and stores cron (5 fields, UTC) and interval schedules, computes `next_run`,
/// and fires due ones into thumbnail jobs. A tick is claimed in the database before its job is
/// made, so it fires once across threads and restarts.
public struct ScheduleService: Sendable {
    public let store: ScheduleStore
    let runner: JobRunner
    /// Bumped by each create, update and delete made through this service (its copies share it), so
    /// `run` reads the soonest fire time again.
    private let changes = ChangeCounter()

    public static let maximumNameLength = 200
    public static let intervalMinutes = 1...525_600

    public init(store: ScheduleStore, runner: JobRunner) {
        self.store = store
        self.runner = runner
    }

    /// A new schedule from 000's request body (`name`, `library_id`, `library_name`,
    /// `schedule_type`, `cron_expression` or `interval_minutes`, `enabled`, `force`).
    public func create(_ body: JSON, now: Date = Date()) throws(JobError) -> ScheduleRecord {
        guard body.objectValue != nil else { throw .invalid("body: expected a JSON object") }
        let name = try Self.text(body, "name", required: true) ?? ""
        let libraryID = try Self.text(body, "library_id", required: true)
        let libraryName = try Self.text(body, "library_name", required: false)
        var record = ScheduleRecord(
            id: "", name: name, libraryID: libraryID, libraryName: libraryName, kind: .cron, createdAt: now)
        try Self.apply(body, to: &record, creating: true)
        record.nextRun = try Self.nextRun(record, after: now)
        defer { changes.bump() }
        do { return try store.create(record) } catch { throw .storage("Failed to store the schedule", error) }
    }

    /// Changes the fields present in `body`; `next_run` is recomputed.
    public func update(_ id: String, _ body: JSON, now: Date = Date()) throws(JobError) -> ScheduleRecord {
        guard body.objectValue != nil else { throw .invalid("body: expected a JSON object") }
        defer { changes.bump() }
        let updated: ScheduleRecord?
        do {
            updated = try store.update(id) { record in
                if body["name"] != nil { record.name = try Self.text(body, "name", required: true) ?? record.name }
                if body["library_id"] != nil { record.libraryID = try Self.text(body, "library_id", required: true) }
                if body["library_name"] != nil { record.libraryName = try Self.text(body, "library_name", required: false) }
                try Self.apply(body, to: &record, creating: false)
                record.nextRun = try Self.nextRun(record, after: now)
            }
        } catch let error as JobError {
            throw error
        } catch {
            throw .storage("Failed to update schedule '\(id)'", error)
        }
        guard let updated else { throw .notFound("No schedule '\(id)'") }
        return updated
    }

    public func delete(_ id: String) throws(JobError) {
        defer { changes.bump() }
        let deleted: Bool
        do { deleted = try store.delete(id) } catch { throw .storage("Failed to delete schedule '\(id)'", error) }
        if !deleted { throw .notFound("No schedule '\(id)'") }
    }

    /// Run now: a job for the schedule's library, whatever `next_run` says.
    public func run(_ id: String) throws(JobError) -> JobRecord {
        let record: ScheduleRecord?
        do { record = try store.get(id) } catch { throw .storage("Failed to read schedule '\(id)'", error) }
        guard let record else { throw .notFound("No schedule '\(id)'") }
        return try job(for: record)
    }

    /// Fires every due schedule once: claims its tick (moving `next_run` on) and creates its job.
    /// Returns the jobs made.
    @discardableResult
    public func tick(now: Date = Date()) -> [JobRecord] {
        let due: [ScheduleRecord]
        do { due = try store.due(at: now) } catch {
            Log.shared.error("Failed to read 'due schedules': \(error)")
            return []
        }
        var jobs: [JobRecord] = []
        for schedule in due {
            guard let tick = schedule.nextRun else { continue }
            let next = try? Self.nextRun(schedule, after: now)
            do {
                guard try store.claim(schedule.id, tick: tick, nextRun: next) else { continue }
                jobs.append(try job(for: schedule))
            } catch {
                Log.shared.error("Failed to fire schedule '\(schedule.id)': \(error)")
            }
        }
        return jobs
    }

    /// Fires due schedules until the task is cancelled, looking every `seconds` but reading the database
    /// only when the soonest `next_run` has come, a schedule was created, changed or deleted through this
    /// service, or `reread` seconds have passed (a database restored or edited by hand): an idle daemon
    /// with schedules hours apart, or none, leaves SQLite alone between them (once every 10 s, its code
    /// stayed resident, 1 MB).
    public func run(every seconds: Double, reread: Double = 3600) async {
        var seen: Int?
        var soonest: Date?
        var readAt = Date.distantPast
        while !Task.isCancelled {
            let now = Date()
            let generation = changes.value
            if generation != seen || soonest.map({ $0 <= now }) == true || now.timeIntervalSince(readAt) >= reread {
                seen = generation
                readAt = now
                do {
                    // The tick reads and writes SQLite: on the database's queue, not the cooperative pool.
                    soonest = try await store.perform { [self] store in
                        tick(now: now)
                        return try store.earliestNextRun()
                    }
                } catch {
                    Log.shared.error("Failed to read 'next schedule': \(error)")
                    readAt = .distantPast
                }
            }
            try? await Task.sleep(nanoseconds: UInt64(max(0.01, seconds) * 1_000_000_000))
        }
    }

    private func job(for schedule: ScheduleRecord) throws(JobError) -> JobRecord {
        guard let library = schedule.libraryID else { throw .invalid("library_id: the schedule has no library") }
        return try runner.createThumbnailJob(
            libraryID: library, libraryName: schedule.libraryName, force: schedule.parameters["force"]?.boolValue ?? false,
            scheduleID: schedule.id)
    }

    /// The first fire after `date`: the cron expression's next minute (UTC), or `date` plus the interval.
    static func nextRun(_ record: ScheduleRecord, after date: Date) throws(JobError) -> Date? {
        switch record.kind {
        case .cron:
            let cron: CronExpression
            do { cron = try CronExpression(record.cronExpression ?? "") } catch { throw .invalid("cron_expression: \(error)") }
            return cron.nextFire(after: Int64(date.timeIntervalSince1970.rounded(.down))).map { Date(timeIntervalSince1970: Double($0)) }
        case .interval:
            guard let minutes = record.intervalMinutes else { throw .invalid("interval_minutes: required for an interval schedule") }
            return Date(timeIntervalSince1970: (date.timeIntervalSince1970 + Double(minutes) * 60).rounded(.down))
        }
    }

    /// `schedule_type`, `cron_expression`, `interval_minutes`, `enabled`, `force`.
    static func apply(_ body: JSON, to record: inout ScheduleRecord, creating: Bool) throws(JobError) {
        if let type = body["schedule_type"] {
            guard let kind = type.stringValue.flatMap(ScheduleRecord.Kind.init(rawValue:)) else {
                throw .invalid("schedule_type: expected 'cron' or 'interval'")
            }
            record.kind = kind
        } else if creating {
            record.kind = body["interval_minutes"] != nil && body["cron_expression"] == nil ? .interval : .cron
        }
        if let cron = body["cron_expression"] {
            guard let text = cron.stringValue else { throw .invalid("cron_expression: expected a string") }
            do { _ = try CronExpression(text) } catch { throw .invalid("cron_expression: \(error)") }
            record.cronExpression = text
        }
        if let interval = body["interval_minutes"] {
            guard let minutes = interval.intValue, let small = Int(exactly: minutes), Self.intervalMinutes.contains(small) else {
                throw .invalid("interval_minutes: expected a whole number from 1 to \(Self.intervalMinutes.upperBound)")
            }
            record.intervalMinutes = small
        }
        if let enabled = body["enabled"] {
            guard let flag = enabled.boolValue else { throw .invalid("enabled: expected true or false") }
            record.enabled = flag
        }
        if let force = body["force"] {
            guard let flag = force.boolValue else { throw .invalid("force: expected true or false") }
            record.parameters = ["force": .bool(flag)]
        }
        switch record.kind {
        case .cron where record.cronExpression == nil: throw .invalid("cron_expression: required for a cron schedule")
        case .interval where record.intervalMinutes == nil: throw .invalid("interval_minutes: required for an interval schedule")
        default: break
        }
    }

    /// A string field of at most `maximumNameLength` characters.
    static func text(_ body: JSON, _ field: String, required: Bool) throws(JobError) -> String? {
        guard let value = body[field], value != .null else {
            if required { throw .invalid("\(field): required") }
            return nil
        }
        guard let text = value.stringValue else { throw .invalid("\(field): expected a string") }
        if required && text.isEmpty { throw .invalid("\(field): must not be empty") }
        guard text.count <= Self.maximumNameLength else { throw .invalid("\(field): longer than \(Self.maximumNameLength) characters") }
        return text
    }
}

/// A count that only goes up, shared by the copies of a value that holds it.
final class ChangeCounter: Sendable {
    private let count = Atomic<Int>(0)

    var value: Int { count.load(ordering: .relaxed) }

    func bump() { count.add(1, ordering: .relaxed) }
}
