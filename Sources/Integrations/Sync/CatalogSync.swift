public import Catalog
import Core
import FoundationEssentials
public import HTTP
import Store
import Synchronization

/// 003's Radarr and Sonarr syncs: the app's movies or series brought into the catalog as a `sync` job
/// (`/api/v1/jobs` shows it with its progress), one sync an app at a time, off the server threads.
/// Existing items are matched by TMDb id (series by TVDb id, else TMDb) and marked as the app's; an item
/// the catalog lacks is added, without a file, to the library whose folder holds the app's path (through
/// `webhooks.path_mappings`) and queued for the catalog's TMDb refresh; one no library holds is skipped
/// with the reason. Items a previous sync marked that the app no longer lists are let go: deleted when
/// they have no file, else only unmarked. `integration_syncs` keeps each app's last outcome.
public final class CatalogSync: Sendable {
    let service: IntegrationService
    let catalog: CatalogService
    var database: Database { catalog.database }
    /// Apps whose sync is running now.
    private let running = Mutex(Set<IntegrationApp>())
    /// Items written per transaction (and between two looks at the job's cancel flag).
    static let batchSize = 100
    /// Skip reasons kept in the job's result.
    static let keptReasons = 50

    public init(service: IntegrationService, catalog: CatalogService) {
        self.service = service
        self.catalog = catalog
    }

    /// Syncs a previous run left running are failed with that reason (their jobs too).
    public func settleInterrupted() throws {
        let now = IntegrationJSON.now()
        try database.transaction { connection in
            let live = try connection.query("SELECT app, job_id FROM integration_syncs WHERE is_running = 1")
            for row in live {
                try connection.execute(
                    "UPDATE integration_syncs SET is_running = 0, last_error = 'interrupted by a restart', finished_at = ? WHERE app = ?",
                    [.integer(now), row[0]])
                try connection.execute(
                    """
                    UPDATE jobs SET status = 'failed', error = 'interrupted by a restart', completed_at = ?, updated_at = ?
                    WHERE id = ? AND status IN ('pending', 'running')
                    """, [.integer(now), .integer(now), row[1]])
            }
        }
    }

    /// Whether `app`'s sync is running.
    public func isRunning(_ app: IntegrationApp) -> Bool { running.withLock { $0.contains(app) } }

    /// The app's last sync as stored.
    public func status(_ app: IntegrationApp) async throws(HTTPError) -> SyncStatus {
        try await catalog.perform { connection in try SyncStatus.read(connection, app: app) }
    }

    /// Starts a sync of `app` (Radarr or Sonarr) and answers its job id; 409 while one runs, the app's
    /// error (503 unconfigured, 502 down) when it cannot be asked.
    public func start(_ app: IntegrationApp) async throws(HTTPError) -> String {
        guard app == .radarr || app == .sonarr else { throw HTTPError.notFound("\(app.title) has no catalog sync") }
        let connection = service.connection(app)
        guard connection.isConfigured else { throw IntegrationError.notConfigured(app).httpError }
        if connection.isDown { throw IntegrationError.down(app, service.probes.state(app).lastError ?? "\(app.title) is down").httpError }
        let claimed = running.withLock { $0.insert(app).inserted }
        guard claimed else { throw HTTPError.conflict("A \(app.title) sync is already running") }
        let job: JobRecord
        do {
            job = try await catalog.transaction { [database] connection in
                let job = try JobStore(database: database).create(kind: .sync, parameters: ["app": .string(app.rawValue)])
                try connection.execute(
                    """
                    INSERT INTO integration_syncs (app, job_id, is_running, started_at) VALUES (?, ?, 1, ?)
                    ON CONFLICT (app) DO UPDATE SET job_id = excluded.job_id, is_running = 1, started_at = excluded.started_at
                    """, [.text(app.rawValue), .text(job.id), .integer(IntegrationJSON.now())])
                return job
            }
        } catch {
            running.withLock { _ = $0.remove(app) }
            throw error
        }
        Task.detached(priority: .utility) { [self] in await run(app, jobID: job.id) }
        return job.id
    }

    /// Runs one sync to its end, recording the outcome in the job and in `integration_syncs`.
    func run(_ app: IntegrationApp, jobID: String) async {
        var outcome = SyncOutcome()
        var failure: String?
        do {
            try await setJob(jobID) { job in
                job.status = .running
                job.startedAt = Date()
            }
            let items = try await fetchItems(app)
            outcome.total = items.count
            outcome.totalEpisodes = items.reduce(0) { $0 + $1.episodes }
            try await setJob(jobID) { $0.totalItems = items.count }
            let mappings = service.settings().pathMappings
            let libraries = try await catalog.perform { connection in
                try LibraryStore.list(connection, scope: .all).filter { $0.enabled && $0.kind == (app == .radarr ? .movie : .tvshow) }
            }
            var start = 0
            while start < items.count {
                let batch = Array(items[start..<min(items.count, start + Self.batchSize)])
                let result = try await catalog.transaction { connection in
                    try SyncWriter(connection: connection, app: app, now: IntegrationJSON.now()).write(batch, libraries: libraries, mappings: mappings)
                }
                outcome.merge(result)
                start += batch.count
                let (done, skipped) = (start, outcome.skipped)
                let cancelled = try await setJob(jobID) { job in
                    job.completedItems = done - skipped
                    job.skippedItems = skipped
                    job.progress = items.isEmpty ? 100 : Double(done) * 100 / Double(items.count)
                }?.status == .cancelled
                if cancelled { throw SyncStop.cancelled }
            }
            let listed = Set(items.map(\.key))
            outcome.removed = try await catalog.transaction { connection in
                try SyncWriter(connection: connection, app: app, now: IntegrationJSON.now()).release(keeping: listed)
            }
            for library in outcome.addedLibraries { catalog.queueRefresh(library: library) }
        } catch SyncStop.cancelled {
            failure = "cancelled"
        } catch let error as IntegrationError {
            failure = error.description
        } catch let error as HTTPError {
            failure = error.detail ?? error.message
        } catch {
            failure = "\(error)"
        }
        await finish(app, jobID: jobID, outcome: outcome, failure: failure)
    }

    /// The app's items, asked now (not from the cache).
    private func fetchItems(_ app: IntegrationApp) async throws(IntegrationError) -> [SyncItem] {
        if app == .radarr {
            return try await service.radarr.movies(fresh: true).map(SyncItem.init(movie:))
        }
        return try await service.sonarr.series(fresh: true).map(SyncItem.init(series:))
    }

    /// Edits the job (nil when it is gone); never throws for a missing job.
    @discardableResult
    private func setJob(_ id: String, _ change: @escaping @Sendable (inout JobRecord) -> Void) async throws -> JobRecord? {
        try await database.perform { [database] in
            try JobStore(database: database).update(id) { job in
                // A cancelled job stays cancelled; the sync sees it and stops.
                if job.status != .cancelled { change(&job) }
            }
        }
    }

    private func finish(_ app: IntegrationApp, jobID: String, outcome: SyncOutcome, failure: String?) async {
        let now = IntegrationJSON.now()
        do {
            try await database.perform { [database, self] in
                try database.transaction { connection in
                    try connection.execute(
                        """
                        UPDATE integration_syncs SET is_running = 0, finished_at = ?, last_error = ?, added = ?, updated = ?, removed = ?,
                            episodes_added = 0, episodes_updated = 0, total = ?, total_episodes = ? WHERE app = ?
                        """,
                        [
                            .integer(now), failure.map(SQLValue.text) ?? .null, .integer(Int64(outcome.added)), .integer(Int64(outcome.updated)),
                            .integer(Int64(outcome.removed)), .integer(Int64(outcome.total)), .integer(Int64(outcome.totalEpisodes)),
                            .text(app.rawValue),
                        ])
                    try JobStore(database: database).update(jobID) { job in
                        if job.status != .cancelled { job.status = failure == nil ? .completed : .failed }
                        job.error = failure
                        job.completedAt = Date()
                        if failure == nil { job.progress = 100 }
                        job.result = outcome.json
                    }
                    // Let go of the app before the final status can be read: every read waits for this
                    // transaction's lock, so a client that sees the job finished may start the next sync
                    // at once (after it, that sync's own writes wait for this commit).
                    running.withLock { _ = $0.remove(app) }
                }
            }
        } catch {
            running.withLock { _ = $0.remove(app) }
            Log.shared.error("Failed to record '\(app.rawValue) sync': \(error)")
        }
    }
}

/// Why a sync stopped early.
enum SyncStop: Error {
    case cancelled
}

/// One movie or series as the sync needs it.
struct SyncItem: Sendable {
    /// The app's id.
    var remoteID: Int
    var title: String
    var year: Int?
    var tmdbID: Int?
    var tvdbID: Int?
    var imdbID: String?
    var path: String?
    var episodes = 0
    /// What the removal pass compares: the app's own id.
    var key: Int { remoteID }

    init(movie: RadarrMovie) {
        remoteID = movie.id ?? 0
        title = movie.title
        year = movie.year
        tmdbID = movie.tmdbId
        imdbID = movie.imdbId
        path = movie.path
    }

    init(series: SonarrSeries) {
        remoteID = series.id ?? 0
        title = series.title
        year = series.year
        tmdbID = series.tmdbId
        tvdbID = series.tvdbId
        imdbID = series.imdbId
        path = series.path
        episodes = series.statistics?.episodeCount ?? 0
    }
}

/// What a sync did, summed over its batches.
struct SyncOutcome: Sendable {
    var added = 0
    var updated = 0
    var removed = 0
    var skipped = 0
    var total = 0
    var totalEpisodes = 0
    var reasons: [String] = []
    var addedLibraries: Set<String> = []

    mutating func merge(_ other: SyncOutcome) {
        added += other.added
        updated += other.updated
        skipped += other.skipped
        reasons += other.reasons.prefix(max(0, CatalogSync.keptReasons - reasons.count))
        addedLibraries.formUnion(other.addedLibraries)
    }

    var json: JSON {
        [
            "added": JSON(added), "updated": JSON(updated), "removed": JSON(removed), "skipped": JSON(skipped), "total": JSON(total),
            "skipped_reasons": .array(reasons.map(JSON.string)),
        ]
    }
}
