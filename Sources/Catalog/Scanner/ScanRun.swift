import Core
import FoundationEssentials
import MediaProtocol
import Store

/// One scan from start to finish: its counts, its errors (the first 100 kept with their reasons),
/// and the writes to its `library_scans` row and its job.
struct ScanRun {
    let scan: LibraryScanner.Queued
    let scanner: LibraryScanner
    var scanned = 0
    var added = 0
    var updated = 0
    var removed = 0
    var errors: [String] = []
    var errorCount = 0
    var total = 0
    /// Whether items were added or changed (metadata matching follows).
    var changed = false

    init(scan: LibraryScanner.Queued, scanner: LibraryScanner) {
        self.scan = scan
        self.scanner = scanner
    }

    var database: Database { scanner.database }

    mutating func perform() throws {
        guard let library = try database.withConnection({ connection in try LibraryStore.get(connection, id: scan.libraryID) }) else {
            return fail("the library was deleted")
        }
        try mark(status: "running", started: true)
        let folders = library.paths
        let reachable = folders.filter(LibraryFolders.isDirectory)
        for folder in folders where !reachable.contains(folder) {
            note("folder '\(folder)' cannot be reached; its files are kept as they are")
        }
        let walker = FileWalker(roots: scanner.settings.libraryRoots.compactMap(LibraryFolders.resolve)) { [self] in isCancelled() }
        var found: [FoundFile] = []
        for folder in reachable {
            let walked = walker.walk(folder)
            found += walked.files
            walked.errors.forEach { note($0) }
        }
        // A folder that vanished during the walk is offline too: nothing under it may be dropped.
        let stillReachable = reachable.filter(LibraryFolders.isDirectory)
        for folder in reachable where !stillReachable.contains(folder) {
            note("folder '\(folder)' disappeared during the scan; its files are kept as they are")
        }
        total = found.count
        let plan = try database.withConnection { connection in
            try ScanPlan(found: found, stored: CatalogWriter(connection: connection, libraryID: library.id, now: 0).storedFiles(kind: library.kind),
                         full: scan.type == "full")
        }
        var seen = plan.keptIDs
        var start = 0
        while start < plan.work.count {
            if isCancelled() { return finishCancelled() }
            let batch = Array(plan.work[start..<min(start + LibraryScanner.batchSize, plan.work.count)])
            start += batch.count
            let probes = probe(batch, library: library)
            seen.formUnion(try write(batch, probes: probes, library: library))
            try progress()
        }
        scanned += plan.unchangedCount
        if isCancelled() { return finishCancelled() }
        let now = scanner.clock()
        removed = try database.transaction { connection in
            try CatalogWriter(connection: connection, libraryID: library.id, now: now).settleMissing(
                seen: seen, folders: folders, reachable: stillReachable, grace: scanner.settings.missingGraceMilliseconds)
        }
        if removed > 0 { changed = true }
        try finish(status: "completed")
    }

    /// Probes the batch's new and changed files (none when probing is off or the scan is by name only).
    func probe(_ batch: [ScanPlan.Work], library: Library) -> [String: FileFactsResult] {
        guard scanner.settings.probeFiles, let prober = scanner.prober else { return [:] }
        let paths = batch.filter(\.needsProbe).map(\.file.path)
        guard !paths.isEmpty else { return [:] }
        var results: [String: FileFactsResult] = [:]
        for (path, result) in zip(paths, prober.facts(paths, roots: library.paths)) { results[path] = result }
        return results
    }

    /// Stores a batch in one transaction: file rows, then their items; answers the file ids seen.
    mutating func write(_ batch: [ScanPlan.Work], probes: [String: FileFactsResult], library: Library) throws -> Set<String> {
        let now = scanner.clock()
        var outcome = BatchOutcome()
        outcome = try database.transaction { connection in
            var outcome = BatchOutcome()
            let writer = CatalogWriter(connection: connection, libraryID: library.id, now: now)
            for work in batch {
                let probe = probes[work.file.path]
                let id = try writer.storeFile(work.file, id: work.storedID, probe: probe)
                outcome.seen.insert(id)
                if case .failed(_, let reason)? = probe { outcome.errors.append("cannot read '\(work.file.relativePath)': \(reason)") }
                if work.storedID != nil { outcome.updated += 1 }
                do {
                    outcome.added += try link(writer, fileID: id, work.file, kind: library.kind)
                } catch let error as NameError {
                    outcome.errors.append(error.reason)
                }
            }
            return outcome
        }
        scanned += batch.count
        added += outcome.added
        updated += outcome.updated
        outcome.errors.forEach { note($0) }
        if outcome.added > 0 || outcome.updated > 0 { changed = true }
        return outcome.seen
    }

    struct BatchOutcome {
        var seen = Set<String>()
        var added = 0
        var updated = 0
        var errors: [String] = []
    }

    struct NameError: Error {
        let reason: String
    }

    /// Links one file to its movie or episodes; a name that gives nothing is a `NameError`.
    func link(_ writer: CatalogWriter, fileID: String, _ file: FoundFile, kind: Library.Kind) throws -> Int {
        switch kind {
        case .movie:
            guard let parsed = ReleaseName.movie(file.relativePath) else {
                throw NameError(reason: "no movie title in the name '\(file.relativePath)'")
            }
            return try writer.linkMovie(fileID: fileID, parsed) ? 1 : 0
        case .tvshow:
            guard let parsed = ReleaseName.episode(file.relativePath) else {
                throw NameError(reason: "no season and episode in the name '\(file.relativePath)'")
            }
            return try writer.linkEpisodes(fileID: fileID, parsed)
        }
    }

    // MARK: Status

    mutating func note(_ error: String) {
        errorCount += 1
        if errors.count < 100 { errors.append(error) }
    }

    /// Whether the scan's job was cancelled (or deleted, or its library with it).
    func isCancelled() -> Bool {
        let status = try? database.withConnection { connection in
            try connection.queryOne("SELECT status FROM jobs WHERE id = ?", [.text(scan.jobID)])?[0].stringValue
        }
        return status == nil || status == "cancelled"
    }

    func mark(status: String, started: Bool) throws {
        let now = scanner.clock()
        try database.transaction { connection in
            try connection.execute(
                "UPDATE library_scans SET status = ?, started_at = coalesce(started_at, ?) WHERE id = ?",
                [.text(status), .integer(now), .text(scan.scanID)])
            try connection.execute(
                "UPDATE jobs SET status = ?, started_at = coalesce(started_at, ?), updated_at = ? WHERE id = ? AND status IN ('pending', 'running')",
                [.text(status), .integer(now), .integer(now), .text(scan.jobID)])
        }
    }

    func progress() throws {
        let now = scanner.clock()
        let percent = total == 0 ? 100 : (Double(scanned) / Double(total) * 1000).rounded() / 10
        try database.transaction { connection in
            try connection.execute(
                """
                UPDATE library_scans SET items_scanned = ?, items_added = ?, items_updated = ?, error_count = ? WHERE id = ?
                """, [.integer(Int64(scanned)), .integer(Int64(added)), .integer(Int64(updated)), .integer(Int64(errorCount)), .text(scan.scanID)])
            try connection.execute(
                """
                UPDATE jobs SET progress = ?, total_items = ?, completed_items = ?, failed_items = ?, updated_at = ?
                WHERE id = ? AND status = 'running'
                """,
                [.real(percent), .integer(Int64(total)), .integer(Int64(scanned)), .integer(Int64(errorCount)), .integer(now), .text(scan.jobID)])
        }
    }

    func finish(status: String) throws {
        let now = scanner.clock()
        let errorsText = String(decoding: JSON.array(errors.map(JSON.string)).encoded(), as: UTF8.self)
        let result: JSON = [
            "items_scanned": JSON(scanned), "items_added": JSON(added), "items_updated": JSON(updated), "items_removed": JSON(removed),
            "error_count": JSON(errorCount),
        ]
        try database.transaction { connection in
            try connection.execute(
                """
                UPDATE library_scans SET status = ?, items_scanned = ?, items_added = ?, items_updated = ?, items_removed = ?,
                    error_count = ?, error_message = ?, errors = ?, completed_at = ? WHERE id = ?
                """,
                [
                    .text(status), .integer(Int64(scanned)), .integer(Int64(added)), .integer(Int64(updated)), .integer(Int64(removed)),
                    .integer(Int64(errorCount)), SQLValue(errors.first), .text(errorsText), .integer(now), .text(scan.scanID),
                ])
            try connection.execute(
                """
                UPDATE jobs SET status = ?, progress = 100, total_items = ?, completed_items = ?, failed_items = ?, result = ?,
                    completed_at = ?, updated_at = ? WHERE id = ? AND status IN ('pending', 'running')
                """,
                [
                    .text(status), .integer(Int64(total)), .integer(Int64(scanned)), .integer(Int64(errorCount)),
                    .text(String(decoding: result.encoded(), as: UTF8.self)), .integer(now), .integer(now), .text(scan.jobID),
                ])
        }
    }

    func finishCancelled() {
        do { try finish(status: "cancelled") } catch { Log.shared.error("Failed to record the cancelled scan \(scan.scanID): \(error)") }
    }

    mutating func fail(_ reason: String) {
        note(reason)
        let now = scanner.clock()
        do {
            try database.transaction { connection in
                try connection.execute(
                    "UPDATE library_scans SET status = 'failed', error_message = ?, error_count = ?, completed_at = ? WHERE id = ?",
                    [.text(String(reason.prefix(500))), .integer(Int64(errorCount)), .integer(now), .text(scan.scanID)])
                try connection.execute(
                    "UPDATE jobs SET status = 'failed', error = ?, completed_at = ?, updated_at = ? WHERE id = ? AND status IN ('pending', 'running')",
                    [.text(String(reason.prefix(500))), .integer(now), .integer(now), .text(scan.jobID)])
            }
        } catch {
            Log.shared.error("Failed to record the failed scan \(scan.scanID): \(error)")
        }
    }
}

/// What a scan must do with the files it found, against what the catalog holds: unchanged files are
/// kept as they are (linked again only when they lost their item), changed and new ones are probed,
/// moved ones (same device and inode, old path gone) keep their id and their facts.
struct ScanPlan {
    struct Work {
        var file: FoundFile
        var storedID: String?
        var needsProbe: Bool
    }

    var work: [Work] = []
    var keptIDs = Set<String>()
    var unchangedCount = 0

    init(found: [FoundFile], stored: [CatalogWriter.StoredFile], full: Bool) {
        var byPath: [String: CatalogWriter.StoredFile] = [:]
        for file in stored { byPath[file.path] = file }
        let foundPaths = Set(found.map(\.path))
        var byInode: [[Int64]: CatalogWriter.StoredFile] = [:]
        for file in stored where !foundPaths.contains(file.path) { byInode[[file.device, file.inode]] = file }
        for file in found {
            if let known = byPath[file.path] {
                let same = known.size == file.size && known.modified == file.modified && known.inode == file.inode
                if same && known.linked && !full {
                    keptIDs.insert(known.id)
                    unchangedCount += 1
                } else {
                    work.append(Work(file: file, storedID: known.id, needsProbe: !same || !known.probed || full))
                }
            } else if let moved = byInode.removeValue(forKey: [file.device, file.inode]), moved.size == file.size {
                work.append(Work(file: file, storedID: moved.id, needsProbe: !moved.probed || full))
            } else {
                work.append(Work(file: file, storedID: nil, needsProbe: true))
            }
        }
    }
}
