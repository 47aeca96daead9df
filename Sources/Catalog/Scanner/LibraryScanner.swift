import Core
import FoundationEssentials
import MediaProtocol
public import Store
import Synchronization

/// Runs library scans one at a time on a thread of its own, at the workers' nice level: walk the
/// folders, tell unchanged, changed, moved, new and vanished files apart, probe what is new or
/// changed, and link files to movies or episodes by their names, committing in small batches so
/// the API never waits long on the database. Each scan is a `library_scans` row and a `scan` job
/// (`/api/v1/jobs` shows it; cancelling the job stops the scan at the next batch).
public final class LibraryScanner: Sendable {
    /// A scan waiting for its turn.
    struct Queued: Sendable {
        var scanID: String
        var jobID: String
        var libraryID: String
        var type: String
    }

    struct State {
        var queue: [Queued] = []
        var running: Queued?
    }

    public let database: Database
    let currentSettings: @Sendable () -> CatalogSettings
    let prober: (any FileProber)?
    let nice: Int32
    let clock: @Sendable () -> Int64
    let state = Mutex(State())
    /// Called after a scan that added or changed items, on the scanner's thread (TMDb matching).
    let afterScan: Mutex<(@Sendable (String) -> Void)?> = Mutex(nil)
    /// Files per transaction.
    static let batchSize = 64

    public init(
        database: Database, settings: @escaping @Sendable () -> CatalogSettings, prober: (any FileProber)?, nice: Int32 = 19,
        clock: @escaping @Sendable () -> Int64
    ) {
        self.database = database
        self.currentSettings = settings
        self.prober = prober
        self.nice = nice
        self.clock = clock
    }

    var settings: CatalogSettings { currentSettings() }

    /// Sets what runs after each scan that changed the library (the metadata refresher).
    public func onScanFinished(_ body: @escaping @Sendable (String) -> Void) {
        afterScan.withLock { $0 = body }
    }

    /// Queues a scan of `library` (`full`, `incremental` or `metadata`); answers the scan row. A scan
    /// of the same library already waiting or running is answered instead of a second one.
    public func enqueue(_ connection: Connection, library: Library, type: String) throws(SQLiteError) -> Row {
        if let live = state.withLock({ state in
            ([state.running].compactMap { $0 } + state.queue).first { $0.libraryID == library.id }
        }), let row = try LibraryStore.scan(connection, id: live.scanID) {
            return row
        }
        let now = clock()
        let scanID = UUID().uuidString.lowercased()
        let job = try JobStore(database: database).create(
            kind: .scan, libraryID: library.id, libraryName: library.name, parameters: ["scan_type": .string(type), "scan_id": .string(scanID)])
        try connection.execute(
            "INSERT INTO library_scans (id, library_id, job_id, scan_type, status, created_at) VALUES (?, ?, ?, ?, 'pending', ?)",
            [.text(scanID), .text(library.id), .text(job.id), .text(type), .integer(now)])
        let startThread = state.withLock { state in
            state.queue.append(Queued(scanID: scanID, jobID: job.id, libraryID: library.id, type: type))
            return state.running == nil
        }
        if startThread { startWorker() }
        guard let row = try LibraryStore.scan(connection, id: scanID) else {
            throw SQLiteError(code: 1, extendedCode: 1, message: "the new scan row is missing", sql: "")
        }
        return row
    }

    /// Scans a previous run left pending or running are failed with that reason (their jobs too).
    public func settleInterrupted() throws {
        let now = clock()
        try database.transaction { connection in
            let live = try connection.query("SELECT id, job_id FROM library_scans WHERE status IN ('pending', 'running')")
            for row in live {
                try connection.execute(
                    "UPDATE library_scans SET status = 'failed', error_message = 'interrupted by a restart', completed_at = ? WHERE id = ?",
                    [.integer(now), row[0]])
                try connection.execute(
                    "UPDATE jobs SET status = 'failed', error = 'interrupted by a restart', completed_at = ?, updated_at = ? WHERE id = ? AND status IN ('pending', 'running')",
                    [.integer(now), .integer(now), row[1]])
            }
        }
    }

    /// Whether a scan is waiting or running.
    public var isBusy: Bool { state.withLock { $0.running != nil || !$0.queue.isEmpty } }

    func startWorker() {
        let started = DetachedThread.start(nice: nice) { [self] in
            while let next = state.withLock({ state -> Queued? in
                state.running = state.queue.isEmpty ? nil : state.queue.removeFirst()
                return state.running
            }) {
                run(next)
            }
        }
        if !started {
            Log.shared.error("Failed to start the library scanner's thread")
            state.withLock { $0.running = nil }
        }
    }

    // MARK: One scan

    func run(_ scan: Queued) {
        var run = ScanRun(scan: scan, scanner: self)
        do {
            try run.perform()
        } catch {
            run.fail("\(error)")
        }
        if run.changed, let after = afterScan.withLock({ $0 }) { after(scan.libraryID) }
    }
}
