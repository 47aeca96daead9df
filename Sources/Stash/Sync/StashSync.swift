public import Core
import FoundationEssentials
public import HTTP
public import Store
import Synchronization

/// Runs syncs from Stash into the local copy, one at a time, each as a `sync` job of the one jobs
/// table (`parameters.job_type` says which of 004's types: `sync_all`, `scene_sync`, …), with
/// progress after every page; cancelling the job (`DELETE /api/v1/jobs/{id}`) stops the sync before
/// its next page. A second sync while one runs is refused with `StashError.busy`.
public final class StashSync: Sendable {
    let database: Database
    let client: StashClient
    let settings: @Sendable () -> StashSettings
    /// Unix milliseconds.
    let clock: @Sendable () -> Int64
    /// The job of the sync under way (or a reservation while its job is being created).
    let current = Mutex<String?>(nil)
    /// Told of each progress step and end of a sync job (the job WebSockets listen through it).
    let observer = Mutex<(@Sendable (SyncEvent) -> Void)?>(nil)

    init(database: Database, client: StashClient, settings: @escaping @Sendable () -> StashSettings, clock: @escaping @Sendable () -> Int64) {
        self.database = database
        self.client = client
        self.settings = settings
        self.clock = clock
    }

    /// Sets what is told of each progress step and end of a sync job, and of an analysis or apply job
    /// (`serve` hands it to the job events).
    public func onJobChange(_ body: @escaping @Sendable (SyncEvent) -> Void) {
        observer.withLock { $0 = body }
    }

    func notify(_ event: SyncEvent) {
        observer.withLock { $0 }?(event)
    }

    /// The job id of the sync under way, if any.
    public var runningJob: String? { current.withLock { $0 } }

    /// Queues a sync as a job and answers the job at once; the sync runs on a task of its own.
    public func start(_ scope: SyncScope, force: Bool) async throws(HTTPError) -> JobRecord {
        let job = try await reserve(scope, force: force)
        Task.detached { [self] in
            _ = await run(job, scope: scope, force: force)
        }
        return job
    }

    /// Runs a sync to its end and answers what it did (004's `background=false`); it is a job too.
    public func runNow(_ scope: SyncScope, force: Bool) async throws(HTTPError) -> SyncOutcome {
        let job = try await reserve(scope, force: force)
        return await run(job, scope: scope, force: force)
    }

    /// Claims the one sync slot and creates the job; busy when a sync holds it.
    func reserve(_ scope: SyncScope, force: Bool) async throws(HTTPError) -> JobRecord {
        guard client.isConfigured else { throw StashError.notConfigured.httpError }
        let token = "reserved-" + UUID().uuidString
        if let holder = current.withLock({ held -> String? in
            if let held { return held }
            held = token
            return nil
        }) {
            throw StashError.busy(holder).httpError
        }
        var parameters: [String: JSON] = ["source": "stash", "job_type": .string(scope.jobType), "force": .bool(force)]
        if case .scenes(let ids) = scope { parameters["scene_ids"] = .array(ids.map(JSON.string)) }
        let fixed = JSON.object(parameters)
        do {
            let job = try await database.perform { [database] in
                try JobStore(database: database).create(kind: .sync, parameters: fixed)
            }
            current.withLock { $0 = job.id }
            return job
        } catch {
            current.withLock { if $0 == token { $0 = nil } }
            throw HTTPError.storage(error, failing: "Failed to create the sync job")
        }
    }

    /// Runs the sync of `job` and releases the slot.
    func run(_ job: JobRecord, scope: SyncScope, force: Bool) async -> SyncOutcome {
        var run = SyncRun(sync: self, jobID: job.id, scope: scope, force: force, batchSize: settings().batchSize, startedAt: clock())
        await run.perform()
        release(job.id)  // already done, unless recording the end failed
        return run.outcome
    }

    /// Lets go of the slot if `jobID` holds it. `SyncRun.finish` calls it while it writes the job's final
    /// status, under the database's lock: every read of the job waits for that lock, so a client that sees
    /// the job finished may start the next sync at once.
    func release(_ jobID: String) {
        current.withLock { if $0 == jobID { $0 = nil } }
    }

    /// Jobs of syncs a previous run of the daemon left pending or running are failed with that reason.
    public func settleInterrupted() throws {
        let now = clock()
        try database.execute(
            """
            UPDATE jobs SET status = 'failed', error = 'interrupted by a restart', completed_at = ?, updated_at = ?
            WHERE kind = 'sync' AND status IN ('pending', 'running') AND json_extract(parameters, '$.source') = 'stash'
            """, [.integer(now), .integer(now)])
    }
}

/// A sync job's progress step or end, as 000's job events carry it (`job_progress`, `job_complete`,
/// `job_error`).
public struct SyncEvent: Sendable {
    public var event: String
    public var jobID: String
    public var data: JSON
}
