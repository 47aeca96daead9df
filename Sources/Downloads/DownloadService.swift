public import Core
import Dispatch
public import HTTP
public import Store
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// yt-dlp downloads (001's `/api/v1/youtube/download*`) as jobs of the one jobs table (kind
/// `youtube_download`): checked and queued by `create`, run by `DownloadRun` on threads of their own
/// (at most `maxConcurrent` at once, the rest wait queued), listed and cancelled per user. The limits
/// (per hour, free space) are counted from the table and the disk, so a restart resets neither.
public final class DownloadService: Sendable {
    let database: Database
    let settings: @Sendable () -> DownloadSettings
    /// The downloads running now, by job id.
    let live = Mutex<[String: LiveDownload]>([:])
    private let listeners = Mutex<[@Sendable (DownloadEvent) -> Void]>([])

    public init(database: Database, settings: @escaping @Sendable () -> DownloadSettings) {
        self.database = database
        self.settings = settings
    }

    /// Calls `listener` with every progress and end of every download (on the download's thread).
    public func subscribe(_ listener: @escaping @Sendable (DownloadEvent) -> Void) {
        listeners.withLock { $0.append(listener) }
    }

    func publish(_ event: DownloadEvent) {
        for listener in listeners.withLock({ $0 }) { listener(event) }
    }

    /// Who a download belongs to: the signed-in user, or `appliance` for the appliance token.
    static func owner(_ principal: Principal) -> String {
        principal.user?.id ?? "appliance"
    }

    func perform<T: Sendable>(_ failing: String, _ body: @escaping @Sendable (Connection) throws -> T) async throws(HTTPError) -> T {
        try await database.requestTransaction(failing: failing, body)
    }

    // MARK: Starting

    /// What `POST /api/v1/youtube/download` asked for, checked but for the folder.
    public struct Order: Sendable {
        public var url: String
        public var quality: String
        public var format: String
        public var downloadPath: String?

        public init(url: String, quality: String, format: String, downloadPath: String?) {
            self.url = url
            self.quality = quality
            self.format = format
            self.downloadPath = downloadPath
        }
    }

    /// Queues a download: 503 `YTDLP_MISSING` without yt-dlp, 400 for a folder outside the roots, 507
    /// below the free-space floor, 429 past the hourly limit. Answers the queued download.
    public func create(_ order: Order, by principal: Principal) async throws(HTTPError) -> JSON {
        let settings = settings()
        _ = try YtDlpCommand.formatOptions(quality: order.quality, format: order.format)
        // The PATH search, realpath, mkdir and statvfs may wait on a slow disk: never on the cooperative pool.
        let folder = try await Self.offload { () throws(HTTPError) -> String in
            guard settings.executable() != nil else {
                throw HTTPError.unavailable(
                    "yt-dlp is not installed (the Debian package yt-dlp, or set downloads.yt_dlp_path)", code: "YTDLP_MISSING")
            }
            let folder: String
            if let path = order.downloadPath {
                folder = try DownloadFolders.resolve(path, roots: settings.allowedRoots)
            } else {
                folder = try DownloadFolders.prepare(settings.folder)
            }
            try Self.checkSpace(folder, settings: settings)
            return folder
        }
        let owner = Self.owner(principal)
        let now = Timestamp.now()
        let row = try await perform("Failed to queue the download") { connection -> Row in
            let window = now - 3_600_000
            let recent = try connection.query(
                """
                SELECT created_at FROM jobs WHERE kind = 'youtube_download' AND json_extract(parameters, '$.owner') = ? AND created_at > ?
                ORDER BY created_at
                """, [.text(owner), .integer(window)])
            if recent.count >= settings.perHour {
                let oldest = recent[recent.count - settings.perHour].int64("created_at") ?? now
                throw Self.rateLimited(retryAfter: Int(max(1, (oldest + 3_600_000 - now + 999) / 1000)), perHour: settings.perHour)
            }
            let job = try JobStore(database: self.database).create(
                kind: .youtubeDownload,
                parameters: [
                    "url": .string(order.url), "quality": .string(order.quality), "format": .string(order.format), "folder": .string(folder),
                    "owner": .string(owner), "ownerName": JSON(principal.user?.username),
                ])
            guard let row = try connection.queryOne("SELECT * FROM jobs WHERE id = ?", [.text(job.id)]) else {
                throw HTTPError.serverError("The queued download vanished")
            }
            return row
        }
        pump()
        return DownloadJSON.download(row)
    }

    /// 429 `RATE_LIMIT_EXCEEDED` with `Retry-After`, as the request rate limiter answers.
    static func rateLimited(retryAfter seconds: Int, perHour: Int) -> HTTPError {
        HTTPError(
            status: 429, code: "RATE_LIMIT_EXCEEDED", message: "Too many downloads: \(perHour) an hour per user",
            detail: "Retry after \(seconds) s", headers: [("Retry-After", String(seconds))])
    }

    /// 507 `INSUFFICIENT_STORAGE` when `folder`'s file system has less free space than the floor.
    static func checkSpace(_ folder: String, settings: DownloadSettings) throws(HTTPError) {
        guard let free = DownloadFolders.freeBytes(folder), free < settings.minFreeBytes else { return }
        throw HTTPError(
            status: 507, code: "INSUFFICIENT_STORAGE", message: "Not enough free disk space for a download",
            detail: "\(free >> 20) MiB free, downloads.min_free_mb keeps \(settings.minFreeBytes >> 20) MiB")
    }

    static func offload<T: Sendable>(_ body: @escaping @Sendable () throws(HTTPError) -> T) async throws(HTTPError) -> T {
        let result: Result<T, HTTPError> = await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .utility).async {
                do throws(HTTPError) {
                    continuation.resume(returning: .success(try body()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }

    /// Starts queued downloads while fewer than `maxConcurrent` run (off the caller's thread).
    func pump() {
        DispatchQueue.global(qos: .utility).async { [self] in startWaiting() }
    }

    private func startWaiting() {
        let settings = settings()
        let waiting: [String]
        do {
            waiting = try database.query(
                "SELECT id FROM jobs WHERE kind = 'youtube_download' AND status = 'pending' ORDER BY created_at, rowid LIMIT 64"
            ).compactMap { $0.string("id") }
        } catch {
            Log.shared.error("Failed to read 'queued downloads': \(error)")
            return
        }
        for id in waiting {
            let claimed = live.withLock { running -> LiveDownload? in
                guard running[id] == nil, running.count < settings.maxConcurrent else { return nil }
                let download = LiveDownload()
                running[id] = download
                return download
            }
            guard let claimed else { continue }
            let started = DetachedThread.start(nice: Int32(clamping: settings.nice)) { [self] in
                DownloadRun(service: self, id: id, live: claimed, settings: settings).perform()
                live.withLock { _ = $0.removeValue(forKey: id) }
                pump()
            }
            if !started {
                live.withLock { _ = $0.removeValue(forKey: id) }
                Log.shared.error("Failed to start 'download thread' for \(id)")
            }
        }
    }

    // MARK: Reading

    /// Whether `principal` may see the download `row`: its owner, or an admin.
    static func maySee(_ row: Row, _ principal: Principal) -> Bool {
        principal.isAdmin || row.string("owner") == owner(principal)
    }

    static let selection = "SELECT *, json_extract(parameters, '$.owner') AS owner FROM jobs"
    static let visible = "kind = 'youtube_download' AND json_extract(parameters, '$.deleted') IS NULL"

    /// A page of the caller's downloads (everyone's for an admin), newest first.
    public func list(for principal: Principal, status: String?, page: Int, limit: Int) async throws(HTTPError) -> (total: Int, items: [JSON]) {
        var conditions = [Self.visible]
        var values: [SQLValue] = []
        if !principal.isAdmin {
            conditions.append("json_extract(parameters, '$.owner') = ?")
            values.append(.text(Self.owner(principal)))
        }
        if let status, let jobStatus = DownloadJSON.jobStatuses[status] {
            conditions.append("status = ?")
            values.append(.text(jobStatus))
        }
        let filter = conditions.joined(separator: " AND ")
        let bound = values
        return try await perform("Failed to read the downloads") { connection in
            let total = try connection.queryOne("SELECT COUNT(*) FROM jobs WHERE \(filter)", bound)?[0].intValue ?? 0
            let rows = try connection.query(
                "\(Self.selection) WHERE \(filter) ORDER BY created_at DESC, rowid DESC LIMIT ? OFFSET ?",
                bound + [.integer(Int64(limit)), .integer(Int64((page - 1) * limit))])
            return (Int(total), rows.map(DownloadJSON.download))
        }
    }

    /// One download the caller may see; 404 for any other (someone else's is not told apart).
    public func get(_ id: String, for principal: Principal) async throws(HTTPError) -> JSON {
        DownloadJSON.download(try await row(id, for: principal))
    }

    func row(_ id: String, for principal: Principal) async throws(HTTPError) -> Row {
        let row = try await perform("Failed to read the download") { connection in
            try connection.queryOne("\(Self.selection) WHERE id = ? AND \(Self.visible)", [.text(id)])
        }
        guard let row, Self.maySee(row, principal) else { throw HTTPError.notFound("No such download", detail: String(id.prefix(64))) }
        return row
    }

    /// Totals for the admin figures: every download, those queued or running, completed, failed.
    public func counts() async throws -> (total: Int, active: Int, completed: Int, failed: Int) {
        try await database.perform { [database] in
            var counts = (total: 0, active: 0, completed: 0, failed: 0)
            for row in try database.query("SELECT status, COUNT(*) AS n FROM jobs WHERE kind = 'youtube_download' GROUP BY status") {
                let n = row.int("n") ?? 0
                counts.total += n
                switch row.string("status") {
                case "pending", "running": counts.active += n
                case "completed": counts.completed += n
                case "failed": counts.failed += n
                default: break
                }
            }
            return counts
        }
    }

    // MARK: Cancelling and deleting

    /// Cancels a queued or running download (its child is stopped and its partial files removed before
    /// this returns, within about 10 s), or takes a finished one off the lists. A finished download's
    /// file stays: it is media in a library folder by then, and the row stays in the jobs table (so the
    /// hourly limit still counts it). Answers what was done.
    public func delete(_ id: String, by principal: Principal) async throws(HTTPError) -> String {
        let row = try await row(id, for: principal)
        let now = Timestamp.now()
        let who = principal.user?.username ?? "the appliance token"
        let cancelled = try await perform("Failed to cancel the download") { connection -> Bool in
            try connection.execute(
                """
                UPDATE jobs SET status = 'cancelled', error = ?, completed_at = ?, updated_at = ?
                WHERE id = ? AND status IN ('pending', 'running')
                """, [.text("cancelled by \(who)"), .integer(now), .integer(now), .text(id)])
            if connection.changes > 0 { return true }
            try connection.execute(
                "UPDATE jobs SET parameters = json_set(parameters, '$.deleted', 1), updated_at = ? WHERE id = ?", [.integer(now), .text(id)])
            return false
        }
        guard cancelled else { return "Download deleted" }
        if let running = live.withLock({ $0[id] }) {
            running.cancel()
            // The run removes the child and the partial files; wait for that, briefly.
            var waited = 0
            while waited < 100 && live.withLock({ $0[id] != nil }) {
                try? await Task.sleep(for: .milliseconds(100))
                waited += 1
            }
        } else {
            publish(DownloadEvent(id: id, owner: row.string("owner") ?? "", status: "cancelled", progress: nil, title: nil))
        }
        return "Download cancelled"
    }

    // MARK: Start-up, shut-down and tests

    /// Stops every running download's child (they fail with "the daemon stopped"), waiting up to 10 s
    /// for them; downloads still queued fail at the next start. Blocks: for the daemon's shut-down only.
    public func stop() {
        live.withLock { $0.values.forEach { $0.shutDown() } }
        var waited = 0
        while waited < 100 && live.withLock({ !$0.isEmpty }) {
            usleep(100_000)
            waited += 1
        }
    }

    /// Downloads a previous run of the daemon left queued or running fail with that reason, and their
    /// staging folders (partial files) go.
    public func settleInterrupted() throws {
        let now = Timestamp.now()
        let rows = try database.query(
            "SELECT id, json_extract(parameters, '$.folder') AS folder FROM jobs WHERE kind = 'youtube_download' AND status IN ('pending', 'running')"
        )
        for row in rows {
            if let folder = row.string("folder"), let id = row.string("id") {
                DownloadFolders.removeTree(DownloadRun.staging(folder: folder, id: id))
            }
        }
        try database.execute(
            """
            UPDATE jobs SET status = 'failed', error = 'interrupted by a restart', completed_at = ?, updated_at = ?
            WHERE kind = 'youtube_download' AND status IN ('pending', 'running')
            """, [.integer(now), .integer(now)])
    }

    /// Cancels the downloads created at or after `since` (Unix ms) and deletes their rows, files
    /// left by a cancel included (`POST /api/test/reset`); how many rows went. Finished files stay.
    public func removeAll(since: Int64 = 0) async throws -> Int {
        let ids = try await database.perform { [database] in
            let ids = try database.query("SELECT id FROM jobs WHERE kind = 'youtube_download' AND created_at >= ?", [.integer(since)])
                .compactMap { $0.string("id") }
            try database.execute(
                "UPDATE jobs SET status = 'cancelled' WHERE kind = 'youtube_download' AND status IN ('pending', 'running') AND created_at >= ?",
                [.integer(since)])
            return ids
        }
        let wanted = Set(ids)
        let running = live.withLock { $0.filter { wanted.contains($0.key) }.map(\.value) }
        running.forEach { $0.cancel() }
        var waited = 0
        while waited < 100 && live.withLock({ $0.keys.contains(where: wanted.contains) }) {
            try? await Task.sleep(for: .milliseconds(100))
            waited += 1
        }
        return try await database.perform { [database] in
            try database.withConnection { connection in
                try connection.execute("DELETE FROM jobs WHERE kind = 'youtube_download' AND created_at >= ?", [.integer(since)])
                return connection.changes
            }
        }
    }
}

/// A download's progress or end, for the live events (`download:progress`).
public struct DownloadEvent: Sendable {
    public var id: String
    /// The owner's user id (`appliance` for the appliance token).
    public var owner: String
    /// 001's status: queued, downloading, completed, failed, cancelled.
    public var status: String
    public var progress: DownloadProgress?
    public var title: String?

    /// 001's `download:progress`: `id`, `status`, `percent`, `speed`, `eta`, `title`.
    public var json: JSON {
        [
            "id": .string(id), "status": .string(status),
            "percent": status == "completed" ? .double(100) : progress?.percent.map { .double(($0 * 10).rounded() / 10) } ?? .null,
            "speed": JSON(progress?.speedText), "eta": JSON(progress?.etaText), "title": JSON(title),
        ]
    }
}

/// A running download's stop request, set by a cancel or by the daemon stopping, and read by its run.
final class LiveDownload: Sendable {
    /// 0: run on; 1: cancelled; 2: the daemon stops.
    private let request = Atomic<Int>(0)

    func cancel() { request.store(1, ordering: .releasing) }
    func shutDown() { request.store(2, ordering: .releasing) }
    var isCancelled: Bool { request.load(ordering: .acquiring) == 1 }
    var isShuttingDown: Bool { request.load(ordering: .acquiring) == 2 }
}
