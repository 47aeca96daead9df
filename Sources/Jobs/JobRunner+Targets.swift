import Core
import FoundationEssentials
public import Store

/// Jobs over given parts rather than a whole library (webhooks: a new download's file). Such a job
/// is created `pending` when the webhook is accepted, so it shows in `/api/jobs` at once, and is
/// started with its parts once Plex has indexed them; it then runs on the same workers as a library job.
extension JobRunner {
    /// What the runner reads from the config now (the Plex server and path mapping, for callers
    /// that look parts up themselves).
    public var currentSettings: JobSettings { settings() }

    /// A pending thumbnail job waiting for its parts: `source` (e.g. "radarr webhook") goes to
    /// `parameters.source`, `title` (the file or item) to `library_name`, `files` to `parameters.files`;
    /// with `force` its parts are made again even where a BIF exists.
    /// Start it with `startTargetJob`, or fail it with `failTargetJob`.
    @discardableResult
    public func createTargetJob(source: String, title: String, files: [String], force: Bool = false) throws(JobError) -> JobRecord {
        do {
            return try store.create(
                kind: .thumbnail, libraryName: title,
                parameters: ["force": .bool(force), "source": .string(source), "files": .array(files.map(JSON.string))])
        } catch {
            throw .storage("Failed to create the job", error)
        }
    }

    /// A thumbnail job for just `targets`, started at once (the parts are known).
    @discardableResult
    public func createThumbnailJob(targets: [ThumbnailTarget], source: String) async throws(JobError) -> JobRecord {
        let title = targets.count == 1 ? targets[0].title : "\(targets.count) files"
        let record = try createTargetJob(source: source, title: title, files: targets.map(\.localFile))
        await startTargetJob(record.id, targets: targets)
        return record
    }

    /// Starts a pending target job: `targets` are queued (a part whose BIF exists is skipped), each
    /// of `unusable` becomes a failed item with its reason. When nothing is left to make and some
    /// part failed, the job fails with the first reason. Does nothing to a job already final (cancelled).
    public func startTargetJob(
        _ id: String, targets: [ThumbnailTarget], unusable: [(key: String, title: String, file: String, reason: String)] = []
    ) async {
        guard let job = await stored({ try $0.get(id) }) ?? nil, !job.status.isFinal else { return }
        let current = settings()
        _ = await stored { store in
            try store.update(id) { record in
                guard !record.status.isFinal else { return }
                record.status = .running
                record.startedAt = record.startedAt ?? Date()
            }
        }
        let listing = LibraryListing(libraryName: job.libraryName ?? "", targets: targets, unusable: unusable)
        guard let pending = await stored({ [self] _ in recordListing(listing, of: job, settings: current) }) ?? nil else { return }
        if pending.isEmpty, let first = unusable.first, targets.isEmpty {
            await stored { [self] _ in fail(id, first.reason) }
            return
        }
        if !pending.isEmpty { await refreshPause(current, busy: true) }
        await stored { [self] _ in enqueue(id, pending) }
    }

    /// Fails a pending target job as a whole (no Plex server, the daemon stopping).
    public func failTargetJob(_ id: String, reason: String) async {
        await stored { [self] _ in fail(id, reason) }
    }
}
