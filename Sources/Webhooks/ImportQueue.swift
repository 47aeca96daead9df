import Core
import Jobs
import Plex
import Previews
import Store
import Synchronization

/// One accepted import waiting for Plex: its pending job and the files (or Plex item) to find.
struct ImportBatch: Sendable {
    /// One file of an import, already mapped to this box and to Plex's view of it.
    struct File: Sendable {
        let appPath: String
        let localPath: String
        let plexPath: String
    }

    let jobID: String
    let source: WebhookSource
    let title: String
    let files: [File]
    /// Plex's item (`library.new`) instead of files.
    let ratingKey: String?
    /// Files no path mapping covers: failed items, with the reason, when the job starts.
    let unmapped: [(key: String, title: String, file: String, reason: String)]
}

/// Turns accepted imports into thumbnail jobs. Imports are debounced per source: each new one
/// restarts the source's timer, and when it runs out every waiting import is looked up in Plex.
/// A file Plex has not indexed yet is asked for again after each wait of the retry ladder, then
/// fails with that reason. Timers and retries live in memory only: a restart drops them, and the
/// runner fails their jobs on its next start.
final class ImportQueue: Sendable {
    let runner: JobRunner
    let delay: @Sendable () -> Double
    /// Seconds to wait before each retry: the preview generator's 60, 120, 300, 900, 3600, with the
    /// first minute looked at four times (`lookingCloser`).
    let ladder: [Double]
    private let state = Mutex(QueueState())
    /// Debounce timers that ran out (one lookup round each), for tests and logs.
    let rounds = Atomic<Int>(0)

    struct QueueState: Sendable {
        var waiting: [WebhookSource: [ImportBatch]] = [:]
        var timers: [WebhookSource: Task<Void, Never>] = [:]
        var lookups: [String: Task<Void, Never>] = [:]
        var stopped = false
    }

    init(runner: JobRunner, delay: @escaping @Sendable () -> Double, ladder: [Double]) {
        self.runner = runner
        self.delay = delay
        self.ladder = Self.lookingCloser(ladder)
    }

    /// The ladder with its first rung split into waits of 1/12, 1/6, 1/4 and 1/2 of it (5, 10, 15 and
    /// 30 s of the first 60): Plex usually indexes a new file within seconds of the import, so a miss
    /// is looked at again soon, and the rungs after the first minute are the preview generator's.
    static func lookingCloser(_ ladder: [Double]) -> [Double] {
        guard let first = ladder.first, first > 0 else { return ladder }
        return [first / 12, first / 6, first / 4, first / 2] + ladder.dropFirst()
    }

    /// Adds `batch` to its source's wait and restarts the source's timer.
    func add(_ batch: ImportBatch) {
        let seconds = max(0, delay())
        state.withLock { state in
            guard !state.stopped else { return }
            state.waiting[batch.source, default: []].append(batch)
            state.timers[batch.source]?.cancel()
            state.timers[batch.source] = Task { [self] in
                try? await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
                guard !Task.isCancelled else { return }
                fire(batch.source)
            }
        }
    }

    /// Looks up every import the source has waiting, each on a task of its own.
    private func fire(_ source: WebhookSource) {
        rounds.add(1, ordering: .relaxed)
        state.withLock { state in
            guard !state.stopped else { return }
            let batches = state.waiting.removeValue(forKey: source) ?? []
            state.timers[source] = nil
            for batch in batches {
                state.lookups[batch.jobID] = Task { [self] in
                    await resolve(batch)
                    _ = self.state.withLock { $0.lookups.removeValue(forKey: batch.jobID) }
                }
            }
        }
    }

    /// Cancels every timer and retry; their jobs stay pending until the next start fails them.
    func stop() {
        let tasks = state.withLock { state -> [Task<Void, Never>] in
            state.stopped = true
            defer {
                state.timers = [:]
                state.lookups = [:]
                state.waiting = [:]
            }
            return Array(state.timers.values) + Array(state.lookups.values)
        }
        for task in tasks { task.cancel() }
    }

    /// Asks Plex for the batch's parts on the ladder, then starts the job with what was found and
    /// fails the rest with the reason.
    func resolve(_ batch: ImportBatch) async {
        var found: [ThumbnailTarget] = []
        var open = batch.files
        var itemOpen = batch.ratingKey != nil
        var lastError: [String: String] = [:]
        let tries = ladder.count + 1
        for attempt in 0..<tries {
            if attempt > 0 {
                try? await Task.sleep(nanoseconds: UInt64(max(0, ladder[attempt - 1]) * 1_000_000_000))
            }
            if Task.isCancelled { return }
            guard await isLive(batch.jobID) else { return }
            let settings = runner.currentSettings
            guard let plex = settings.plex else {
                await runner.failTargetJob(batch.jobID, reason: "No Plex server is configured (plex.url and plex.token)")
                return
            }
            if let ratingKey = batch.ratingKey, itemOpen {
                do {
                    let parts = try await plex.parts(ratingKey: ratingKey).filter { $0.hash != nil }
                    if !parts.isEmpty {
                        itemOpen = false
                        var seen = Set<String>()
                        for part in parts where seen.insert(part.hash ?? "").inserted {
                            found.append(
                                ThumbnailTarget(
                                    hash: part.hash ?? "", title: batch.title, plexFile: part.file,
                                    localFile: settings.pathMapping.localPath(for: part.file)))
                        }
                    }
                } catch {
                    lastError[ratingKey] = error.description
                }
            }
            var stillOpen: [ImportBatch.File] = []
            for file in open {
                do {
                    if let (item, part) = try await plex.findPart(plexPath: file.plexPath, type: batch.source.plexItemType ?? 1),
                        let hash = part.hash
                    {
                        found.append(
                            ThumbnailTarget(
                                hash: hash, title: item.displayTitle, plexFile: part.file, localFile: settings.pathMapping.localPath(for: part.file)))
                        continue
                    }
                } catch {
                    lastError[file.appPath] = error.description
                }
                stillOpen.append(file)
            }
            open = stillOpen
            if open.isEmpty && !itemOpen { break }
            if attempt + 1 < tries {
                Log.shared.info("Plex has not indexed \(open.count + (itemOpen ? 1 : 0)) file(s) of '\(batch.title)' yet; try \(attempt + 2) of \(tries) later")
            }
        }
        var failed = batch.unmapped
        for file in open {
            failed.append((file.appPath, batch.title, file.localPath, Self.reason("'\(file.plexPath)'", tries: tries, error: lastError[file.appPath])))
        }
        if itemOpen, let ratingKey = batch.ratingKey {
            failed.append((ratingKey, batch.title, "", Self.reason("item \(ratingKey)", tries: tries, error: lastError[ratingKey])))
        }
        for failure in failed { Log.shared.warning("Failed to find '\(batch.title)' in Plex: \(failure.reason)") }
        await runner.startTargetJob(batch.jobID, targets: found, unusable: failed)
    }

    static func reason(_ what: String, tries: Int, error: String?) -> String {
        "Plex has not indexed \(what) after \(tries) tries" + (error.map { " (last error: \($0))" } ?? "")
    }

    /// Whether the job is still waiting (not cancelled or deleted meanwhile).
    private func isLive(_ id: String) async -> Bool {
        let store = runner.store
        let job = try? await store.perform { try $0.get(id) }
        return job.flatMap { $0 }.map { !$0.status.isFinal } ?? false
    }
}
