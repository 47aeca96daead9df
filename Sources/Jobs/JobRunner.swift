import Core
@preconcurrency import Dispatch
public import Store
import FoundationEssentials
import Synchronization
import MediaHelper

#if canImport(Glibc)
    import Glibc
#endif

/// Runs thumbnail jobs: lists a library from Plex, queues its parts, and has a fixed set of worker
/// threads (GPU workers first, then CPU ones) extract, encode and write each BIF, recording every
/// item's outcome in `job_items`. Jobs left `running` by a dead daemon are resumed by `start()`.
public final class JobRunner: Sendable {
    public let store: JobStore
    public let events: JobEventHub
    let settings: @Sendable () -> JobSettings
    let onFinished: @Sendable (JobRecord) -> Void
    let state = Mutex(RunnerState())
    let wake = DispatchSemaphore(value: 0)

    /// `settings` is read when workers start and for every job; `onFinished` sees each job that
    /// reaches a final status (metrics, alerts).
    public init(
        store: JobStore, events: JobEventHub = JobEventHub(), settings: @escaping @Sendable () -> JobSettings,
        onFinished: @escaping @Sendable (JobRecord) -> Void = { _ in }
    ) {
        self.store = store
        self.events = events
        self.settings = settings
        self.onFinished = onFinished
    }

    // MARK: Lifecycle

    /// Starts the workers and the session poller, then resumes the jobs a previous run left
    /// `pending` or `running`. Calling it twice does nothing.
    public func start() throws(JobError) {
        let current = settings()
        let workers = Self.workerSet(current)
        guard state.withLock({ state -> Bool in
            guard !state.started else { return false }
            state.started = true
            state.stopping = false
            state.workers = workers
            return true
        }) else { return }
        for worker in workers {
            do {
                try WorkerThread.start(name: "thumbnail worker \(worker.id)") { [self] in
                    workerLoop(worker.id, nice: current.workerNice, idleIO: current.workerIdleIO)
                }
            } catch {
                Log.shared.error("Failed to start 'thumbnail worker \(worker.id)': \(error)")
                state.withLock { $0.workers[worker.id].state = .stopped }
            }
        }
        let poller = Task { [self] in await pollSessions() }
        state.withLock { $0.poller = poller }
        resumeJobs()
    }

    /// Stops taking work and interrupts items in flight without recording them as done, so the next
    /// start resumes them; waits up to `timeout` seconds for the workers to let go.
    public func stop(timeout: Double = 5) {
        let poller = state.withLock { state -> Task<Void, Never>? in
            state.stopping = true
            for flag in state.inFlight.values { flag.cancel() }
            defer { state.poller = nil }
            return state.poller
        }
        poller?.cancel()
        for _ in 0..<max(1, state.withLock { $0.workers.count }) { wake.signal() }
        let deadline = DispatchTime.now() + timeout
        while state.withLock({ $0.inFlight.count > 0 }) && DispatchTime.now() < deadline { usleep(20_000) }
        state.withLock { $0.started = false }
    }

    /// GPU workers first (`gpu_threads` per render node), then the CPU workers.
    static func workerSet(_ settings: JobSettings) -> [WorkerStatus] {
        var workers: [WorkerStatus] = []
        let perGPU = min(max(settings.gpuWorkersPerGPU, 0), JobSettings.workerCounts.upperBound)
        for node in settings.renderNodes {
            for _ in 0..<perGPU { workers.append(WorkerStatus(id: workers.count, kind: .gpu, device: node, state: .idle)) }
        }
        for _ in 0..<min(max(settings.cpuWorkers, 0), JobSettings.workerCounts.upperBound) {
            workers.append(WorkerStatus(id: workers.count, kind: .cpu, device: nil, state: .idle))
        }
        return workers
    }

    // MARK: Requests

    /// Creates a pending thumbnail job for a library section and starts listing it.
    @discardableResult
    public func createThumbnailJob(
        libraryID: String, libraryName: String? = nil, force: Bool = false, scheduleID: String? = nil
    ) throws(JobError) -> JobRecord {
        let record: JobRecord
        do {
            record = try store.create(
                kind: .thumbnail, libraryID: libraryID, libraryName: libraryName, scheduleID: scheduleID,
                parameters: ["force": .bool(force)])
        } catch {
            throw .storage("Failed to create the job", error)
        }
        Task { [self] in await enumerate(record.id) }
        return record
    }

    /// Cancels a live job: pending items are dropped, items in flight are interrupted.
    /// Throws `notFound`, or `conflict` when the job already finished.
    @discardableResult
    public func cancel(_ id: String) throws(JobError) -> JobRecord {
        let updated: JobRecord?
        do {
            updated = try store.update(id) { record in
                guard !record.status.isFinal else { throw JobError.conflict("Job \(id) is already \(record.status.rawValue)") }
                record.status = .cancelled
                record.completedAt = Date()
                record.error = "cancelled"
            }
        } catch let error as JobError {
            throw error
        } catch {
            throw .storage("Failed to cancel job '\(id)'", error)
        }
        guard let updated else { throw .notFound("No job '\(id)'") }
        let dropped = state.withLock { state -> [ThumbnailTarget] in
            for (key, flag) in state.inFlight where key.jobID == id { flag.cancel() }
            let mine = state.queue.filter { $0.jobID == id }.map(\.target)
            state.queue.removeAll { $0.jobID == id }
            state.cancelled.insert(id)
            return mine
        }
        for target in dropped {
            record(JobItemRecord(jobID: id, key: target.hash, title: target.title, file: target.localFile, status: .skipped, reason: "job cancelled"))
        }
        events.publish(Self.completeEvent(updated))
        onFinished(updated)
        return updated
    }

    /// Deletes a finished job and its items; a live one is refused with `conflict` (cancel it first).
    public func delete(_ id: String) throws(JobError) {
        let record: JobRecord?
        do { record = try store.get(id) } catch { throw .storage("Failed to read job '\(id)'", error) }
        guard let record else { throw .notFound("No job '\(id)'") }
        guard record.status.isFinal else {
            throw .conflict("Job \(id) is \(record.status.rawValue); cancel it before deleting it")
        }
        do { try store.delete(id) } catch { throw .storage("Failed to delete job '\(id)'", error) }
    }

    /// Every worker, in id order.
    public var workers: [WorkerStatus] { state.withLock { $0.workers } }

    /// Whether workers are paused because Plex is streaming.
    public var isPaused: Bool { state.withLock { $0.paused } }

    // MARK: Events

    static func completeEvent(_ job: JobRecord) -> JobEvent {
        JobEvent(
            event: job.status == .failed ? "job_error" : "job_complete",
            data: [
                "job_id": .string(job.id), "status": .string(job.status.rawValue), "progress": .double(job.progress),
                "completed": JSON(job.completedItems), "failed": JSON(job.failedItems), "skipped": JSON(job.skippedItems),
                "total": JSON(job.totalItems), "error": JSON(job.error),
            ],
            jobID: job.id)
    }

    func publishWorker(_ worker: WorkerStatus) {
        events.publish(JobEvent(event: "worker_update", data: worker.json, jobID: worker.jobID))
    }

    /// Stores an item result; a storage failure is logged (the job goes on).
    func record(_ item: JobItemRecord) {
        do { try store.recordItem(item) } catch { Log.shared.error("Failed to record item '\(item.key)' of job '\(item.jobID)': \(error)") }
    }
}

/// One queued part of a job.
struct QueuedItem: Sendable {
    let jobID: String
    let target: ThumbnailTarget
}

/// An item in flight, keyed by job and part hash.
struct ItemKey: Hashable, Sendable {
    let jobID: String
    let hash: String
}

/// The runner's mutable state, behind one lock.
struct RunnerState: Sendable {
    var started = false
    var stopping = false
    var paused = false
    var workers: [WorkerStatus] = []
    var queue: [QueuedItem] = []
    var inFlight: [ItemKey: CancellationFlag] = [:]
    var cancelled = Set<String>()
    var poller: Task<Void, Never>?
}
