import Core
@preconcurrency import Dispatch
import FoundationEssentials
import MediaHelper
import Previews
import Store
import Synchronization

extension JobRunner {
    /// Lists the job's library from Plex, records every part as a pending, skipped (BIF already
    /// there) or failed item, marks the job running and queues the pending parts. A part already
    /// final in `job_items` (a listing cut short by a restart) keeps its result.
    func enumerate(_ id: String) async {
        guard let job = await stored({ try $0.get(id) }) ?? nil, !job.status.isFinal else { return }
        // A webhook's job has no library to list: its lookups were in memory and died with the last run.
        if job.libraryID == nil, let source = job.parameters["source"] {
            let again = source == .string(Self.manualSource) ? "start the job again" : "send the webhook again"
            await stored { [self] _ in fail(id, "The daemon restarted before Plex indexed the files; \(again)") }
            return
        }
        let current = settings()
        guard let plex = current.plex else {
            await stored { [self] _ in fail(id, "No Plex server is configured (plex.url and plex.token)") }
            return
        }
        _ = await stored { store in
            try store.update(id) { record in
                guard !record.status.isFinal else { return }
                record.status = .running
                record.startedAt = record.startedAt ?? Date()
            }
        }
        let listing: LibraryListing
        do {
            listing = try await LibraryEnumerator.list(plex: plex, sectionID: job.libraryID ?? "", mapping: current.pathMapping)
        } catch {
            await stored { [self] _ in fail(id, error.description) }
            return
        }
        guard let pending = await stored({ [self] _ in recordListing(listing, of: job, settings: current) }) ?? nil else { return }
        if !pending.isEmpty { await refreshPause(current, busy: true) }
        await stored { [self] _ in enqueue(id, pending) }
    }

    /// Runs `body` with the store on the database's own queue, never on Swift's cooperative pool
    /// (the store blocks); nil when it throws.
    @discardableResult
    func stored<T: Sendable>(_ body: @escaping @Sendable (JobStore) throws -> T) async -> T? {
        try? await store.perform(body)
    }

    /// Records every listed part as pending, skipped (BIF already there) or failed, and the job's
    /// counts; returns the parts to queue, or nil when the job is no longer running. Blocks (SQLite,
    /// stat of each BIF): runs on the database's queue.
    func recordListing(_ listing: LibraryListing, of job: JobRecord, settings current: JobSettings) -> [ThumbnailTarget]? {
        let id = job.id
        let done = Dictionary(
            ((try? store.items(of: id)) ?? []).filter { $0.status != .pending && $0.status != .running }.map { ($0.key, $0.status) },
            uniquingKeysWith: { a, _ in a })
        let force = job.parameters["force"]?.boolValue ?? false
        var pending: [ThumbnailTarget] = []
        var skipped = 0
        for target in listing.targets {
            if let status = done[target.hash] {
                if status == .skipped { skipped += 1 }
                continue
            }
            let bif = try? PlexBundlePath(plexConfigFolder: current.plexConfigFolder, hash: target.hash).bifPath
            if !force, let bif, FileSystem.exists(bif) {
                skipped += 1
                record(JobItemRecord(jobID: id, key: target.hash, title: target.title, file: target.localFile, status: .skipped, reason: "BIF already exists"))
                continue
            }
            pending.append(target)
            record(JobItemRecord(jobID: id, key: target.hash, title: target.title, file: target.localFile, status: .pending))
        }
        for part in listing.unusable where done[part.key] == nil {
            record(JobItemRecord(jobID: id, key: part.key, title: part.title, file: part.file, status: .failed, reason: part.reason))
        }
        let counts = itemCounts(id)
        let updated = try? store.update(id) { record in
            guard !record.status.isFinal else { return }
            record.libraryName = record.libraryName ?? listing.libraryName
            record.totalItems = counts.completed + counts.failed + pending.count
            record.completedItems = counts.completed
            record.failedItems = counts.failed
            record.skippedItems = counts.skipped
            record.progress = Self.progress(record)
            record.resumeState = ["listed": true, "pending": JSON(pending.count)]
        }
        guard let updated, updated.status == .running else { return nil }
        return pending
    }

    /// Queues parts (or finishes the job when there are none).
    func enqueue(_ id: String, _ targets: [ThumbnailTarget]) {
        let cancelled = state.withLock { state -> Bool in
            guard !state.cancelled.contains(id) else { return true }
            state.queue += targets.map { QueuedItem(jobID: id, target: $0) }
            return false
        }
        if cancelled { return }
        if targets.isEmpty {
            finishIfDone(id)
            return
        }
        for _ in 0..<max(1, state.withLock { $0.workers.count }) { wake.signal() }
    }

    /// Resumes the jobs a previous run left live: a listed job queues the items not yet final in
    /// `job_items`; one that was never listed is listed again.
    func resumeJobs() {
        let live = (try? store.list(statuses: [.running, .pending], limit: 1000)) ?? []
        // Other kinds (catalog scans) belong to the service that started them, which settles them itself.
        for job in live.reversed() where job.kind == .thumbnail {
            guard job.resumeState?["listed"]?.boolValue == true else {
                Task { [self] in await enumerate(job.id) }
                continue
            }
            let open = ((try? store.items(of: job.id)) ?? []).filter { $0.status == .pending || $0.status == .running }
            Log.shared.info("Resuming job '\(job.id)' with \(open.count) items left")
            let targets = open.map { item in
                ThumbnailTarget(hash: item.key, title: item.title ?? item.key, plexFile: item.file ?? "", localFile: item.file ?? "")
            }
            Task { [self] in
                if !targets.isEmpty { await refreshPause(settings(), busy: true) }
                await stored { [self] _ in enqueue(job.id, targets) }
            }
        }
    }

    /// Completed (skipped included), failed and skipped counts from `job_items`.
    func itemCounts(_ id: String) -> (completed: Int, failed: Int, skipped: Int) {
        let items = (try? store.items(of: id)) ?? []
        let skipped = items.count { $0.status == .skipped }
        return (items.count { $0.status == .completed }, items.count { $0.status == .failed }, skipped)
    }

    static func progress(_ record: JobRecord) -> Double {
        guard record.totalItems > 0 else { return 100 }
        let done = Double(record.completedItems + record.failedItems) / Double(record.totalItems) * 100
        return (min(100, done) * 10).rounded() / 10
    }

    /// Marks the job failed with `message` (enumeration errors: the job cannot run at all).
    func fail(_ id: String, _ message: String) {
        Log.shared.error("Failed to run job '\(id)': \(message)")
        var changed = false
        let updated = try? store.update(id) { record in
            guard !record.status.isFinal else { return }
            changed = true
            record.status = .failed
            record.error = message
            record.completedAt = Date()
        }
        guard let updated, changed else { return }
        events.publish(Self.completeEvent(updated))
        onFinished(updated)
    }

    /// Completes the job once nothing of it is queued or in flight.
    func finishIfDone(_ id: String) {
        let busy = state.withLock { state in
            state.queue.contains { $0.jobID == id } || state.inFlight.keys.contains { $0.jobID == id } || state.stopping
        }
        guard !busy else { return }
        var changed = false
        let updated = try? store.update(id) { record in
            guard record.status == .running else { return }
            changed = true
            record.status = .completed
            record.progress = 100
            record.completedAt = Date()
            record.result = [
                "completed": JSON(record.completedItems), "failed": JSON(record.failedItems),
                "skipped": JSON(record.skippedItems), "total": JSON(record.totalItems),
            ]
        }
        guard let updated, changed else { return }
        events.publish(Self.completeEvent(updated))
        onFinished(updated)
    }
}
