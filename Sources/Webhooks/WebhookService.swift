public import Catalog
public import Core
import Crypto
public import HTTP
public import Jobs
import Previews
public import Store
import Synchronization

/// Receives webhooks from Radarr, Sonarr and Plex: checks the source's shared secret, drops
/// replays, starts a thumbnail job for a new import (found in Plex after the debounce delay, see
/// `ImportQueue`) and keeps the catalog in step with imports, renames and deletes.
public final class WebhookService: Sendable {
    public let runner: JobRunner
    /// The catalog whose libraries are rescanned on imports, renames and deletes; nil leaves it alone.
    public let catalog: CatalogService?
    let settings: @Sendable () -> WebhookSettings
    let replays: WebhookReplays
    let clock: @Sendable () -> Int64
    let imports: ImportQueue

    /// The preview generator's wait before each retry of a file Plex has not indexed yet.
    public static let retryLadder: [Double] = [60, 120, 300, 900, 3600]

    /// `settings` is read on every delivery; `retryLadder` is injectable so tests wait milliseconds.
    public init(
        database: Database, runner: JobRunner, catalog: CatalogService?, settings: @escaping @Sendable () -> WebhookSettings,
        retryLadder: [Double] = WebhookService.retryLadder, clock: @escaping @Sendable () -> Int64 = { Timestamp.now() }
    ) {
        self.runner = runner
        self.catalog = catalog
        self.settings = settings
        self.replays = WebhookReplays(database: database)
        self.clock = clock
        self.imports = ImportQueue(runner: runner, delay: { settings().delaySeconds }, ladder: retryLadder)
    }

    /// Debounce timers that ran out so far (each one a lookup round).
    public var lookupRounds: Int { imports.rounds.load(ordering: .relaxed) }

    /// Cancels the debounce timers and retries (daemon shutdown); their jobs are failed on the next start.
    public func stop() {
        imports.stop()
    }

    // MARK: Deliveries

    /// 401 unless the request carries the source's secret (`X-Webhook-Secret` or `?secret=`),
    /// compared in constant time; with no secret configured every delivery is refused.
    public func authorize(_ source: WebhookSource, _ request: Request) throws(HTTPError) {
        let expected = settings().secrets[source] ?? ""
        guard !expected.isEmpty else {
            throw HTTPError.unauthorized(
                "No webhook secret is configured for \(source.rawValue) (\(source.secretSetting)); every delivery is refused")
        }
        let given = request.headers["X-Webhook-Secret"] ?? request.query["secret"] ?? ""
        guard Crypto.constantTimeEqual(given, expected) else {
            throw HTTPError.unauthorized(given.isEmpty ? "Missing webhook secret (X-Webhook-Secret header or ?secret=)" : "Wrong webhook secret")
        }
    }

    /// What became of a delivery.
    public struct Outcome: Sendable {
        /// `accepted`, `duplicate` or `ignored`.
        public let status: String
        public let event: String
        /// The thumbnail job an import started.
        public let jobID: String?

        public var json: JSON {
            var members: [String: JSON] = ["status": .string(status), "event": .string(event)]
            if let jobID { members["job_id"] = .string(jobID) }
            return .object(members)
        }
    }

    /// Acts on a validated event: a replay (same key within 24 h) and a `Test` do nothing; an import
    /// creates its pending job at once and waits for Plex; renames and deletes queue catalog scans.
    public func receive(_ event: WebhookEvent) async throws(HTTPError) -> Outcome {
        if event.action == .test {
            Log.shared.info("Webhook test from \(event.source.rawValue) received")
            return Outcome(status: "accepted", event: event.type, jobID: nil)
        }
        guard try await firstSighting(event.source, key: event.key) else {
            Log.shared.info("Webhook \(event.type) from \(event.source.rawValue) is a replay; ignored")
            return Outcome(status: "duplicate", event: event.type, jobID: nil)
        }
        var jobID: String?
        switch event.action {
        case .importFiles, .plexNew:
            jobID = try await startImport(event)
            if event.action == .importFiles { await scanCatalog(event) }
        case .catalogScan:
            await scanCatalog(event)
        case .logOnly:
            Log.shared.info("Webhook \(event.type) from \(event.source.rawValue) received: '\(event.title)'")
        case .test:
            break
        }
        return Outcome(status: event.action == .logOnly ? "ignored" : "accepted", event: event.type, jobID: jobID)
    }

    /// Records a delivery's event `key` (`webhook_events`); false when `source` sent the same key
    /// within the replay window, so the caller ignores it.
    public func firstSighting(_ source: WebhookSource, key: String) async throws(HTTPError) -> Bool {
        let (replays, now) = (replays, clock())
        do {
            return try await replays.database.perform { try replays.firstSighting(source: source, key: key, now: now) }
        } catch {
            Log.shared.error("Failed to record 'webhook event': \(error)")
            throw HTTPError.unavailable("The webhook could not be recorded; try again")
        }
    }

    /// Creates the import's pending job and hands it to the import queue; files no mapping covers
    /// fail at once (the job fails at once when none is left).
    func startImport(_ event: WebhookEvent) async throws(HTTPError) -> String {
        let current = settings()
        let plexMapping = runner.currentSettings.pathMapping.inverted
        var files: [ImportBatch.File] = []
        var unmapped: [(key: String, title: String, file: String, reason: String)] = []
        for path in event.files {
            let local: String
            if current.pathMapping.rules.isEmpty {
                local = path
            } else if let mapped = current.pathMapping.mapped(path) {
                local = mapped
            } else {
                unmapped.append((path, event.title, path, "No webhooks.path_mappings rule covers '\(path)'"))
                continue
            }
            files.append(ImportBatch.File(appPath: path, localPath: local, plexPath: plexMapping.localPath(for: local)))
        }
        let record: JobRecord
        do {
            record = try await runner.store.perform { [runner] _ in
                try runner.createTargetJob(source: event.source.jobSource, title: event.title, files: event.files)
            }
        } catch {
            Log.shared.error("Failed to create the job for webhook \(event.type) from \(event.source.rawValue): \(error)")
            throw HTTPError.unavailable("The job could not be created; try again")
        }
        Log.shared.info("Webhook \(event.type) from \(event.source.rawValue): job '\(record.id)' waits for Plex to index '\(event.title)'")
        if files.isEmpty && event.ratingKey == nil {
            await runner.startTargetJob(record.id, targets: [], unusable: unmapped)
            return record.id
        }
        if !unmapped.isEmpty {
            for failure in unmapped { Log.shared.warning("Failed to map webhook file: \(failure.reason)") }
        }
        imports.add(
            ImportBatch(
                jobID: record.id, source: event.source, title: event.title, files: files, ratingKey: event.ratingKey,
                unmapped: unmapped))
        return record.id
    }

    /// Queues an incremental scan of each catalog library whose folders hold one of the event's
    /// files or folders (mapped to local paths); none is only logged.
    func scanCatalog(_ event: WebhookEvent) async {
        guard let catalog else { return }
        let mapping = settings().pathMapping
        let paths = (event.files + event.folders).map { mapping.rules.isEmpty ? $0 : (mapping.mapped($0) ?? $0) }
        guard !paths.isEmpty else { return }
        do {
            let names = try await catalog.perform { connection in
                let libraries = try LibraryStore.list(connection, scope: .all).filter { library in
                    library.enabled && library.paths.contains { folder in paths.contains { Self.folder(folder, holds: $0) } }
                }
                for library in libraries { _ = try catalog.scanner.enqueue(connection, library: library, type: "incremental") }
                return libraries.map(\.name)
            }
            if names.isEmpty {
                Log.shared.info("Webhook \(event.type) from \(event.source.rawValue): no catalog library holds '\(paths[0])'")
            } else {
                Log.shared.info("Webhook \(event.type) from \(event.source.rawValue): scan of \(names.joined(separator: ", ")) queued")
            }
        } catch {
            Log.shared.warning("Failed to queue 'catalog scan' for webhook \(event.type): \(error)")
        }
    }

    /// Whether `path` is `folder` or lies under it, by whole segments.
    static func folder(_ folder: String, holds path: String) -> Bool {
        let prefix = folder.split(separator: "/")
        let all = path.split(separator: "/")
        return !prefix.isEmpty && all.count >= prefix.count && Array(all[0..<prefix.count]) == prefix
    }
}
