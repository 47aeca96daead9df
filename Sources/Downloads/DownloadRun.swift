internal import CSyscall
import Core
import HTTP
import Store

#if canImport(Glibc)
    import Glibc
#endif

/// One download, run to its end on a thread of its own (already at the workers' nice level): the row
/// marked running, yt-dlp started in the idle I/O class with its partial files in a staging folder
/// inside the target folder, its progress lines written to the row (at most once a second) and told
/// to the listeners, and its end recorded: the finished file's path and size, or a short reason (the
/// last `ERROR:` line yt-dlp printed, without URLs). The staging folder goes in every case.
struct DownloadRun {
    let service: DownloadService
    let id: String
    let live: LiveDownload
    let settings: DownloadSettings

    /// The staging folder of download `id` in `folder`: yt-dlp's `temp:` path, removed at the end.
    static func staging(folder: String, id: String) -> String {
        folder + "/.applianced-" + id
    }

    /// What the output said so far.
    struct Output {
        var progress: DownloadProgress?
        var title: String?
        var file: String?
        /// The last lines that were neither progress nor markers, for the failure reason.
        var tail: [String] = []
        var lastWrite: Int64 = 0
    }

    func perform() {
        if settings.idleIO && csyscall_ioprio_set_idle() != 0 {
            Log.shared.warning("Failed to set 'idle I/O priority' for download \(id): \(String(cString: strerror(errno)))")
        }
        let database = service.database
        let now = Timestamp.now()
        let row: Row?
        do {
            try database.execute(
                "UPDATE jobs SET status = 'running', started_at = ?, updated_at = ? WHERE id = ? AND status = 'pending'",
                [.integer(now), .integer(now), .text(id)])
            row = try database.queryOne("\(DownloadService.selection) WHERE id = ? AND status = 'running'", [.text(id)])
        } catch {
            Log.shared.error("Failed to start 'download' \(id): \(error)")
            return
        }
        // Cancelled while it waited.
        guard let row else { return }
        let parameters = (try? JSON.parseStrict(Array((row.string("parameters") ?? "{}").utf8))) ?? [:]
        let owner = parameters["owner"]?.stringValue ?? ""
        let url = parameters["url"]?.stringValue ?? ""
        let folder = parameters["folder"]?.stringValue ?? settings.folder
        service.publish(DownloadEvent(id: id, owner: owner, status: "downloading", progress: nil, title: nil))
        guard let executable = settings.executable() else {
            finish(owner: owner, status: "failed", output: Output(), error: "yt-dlp is not installed")
            return
        }
        let argv: [String]
        do {
            argv = try YtDlpCommand.download(
                executable: executable, url: url, quality: parameters["quality"]?.stringValue ?? "best",
                format: parameters["format"]?.stringValue ?? "mp4", folder: folder, staging: Self.staging(folder: folder, id: id))
        } catch {
            finish(owner: owner, status: "failed", output: Output(), error: error.message)
            return
        }
        var output = Output()
        var nextCheck: Int64 = 0
        let end = YtDlpStream.run(argv, timeoutSeconds: settings.timeoutSeconds) { () -> YtDlpStream.StopReason? in
            if live.isCancelled { return .cancelled }
            if live.isShuttingDown { return .shutDown }
            let now = YtDlpChild.monotonicMilliseconds()
            guard now >= nextCheck else { return nil }
            nextCheck = now + 2000
            // A cancel through the jobs routes (`DELETE /api/v1/jobs/{id}`) only changes the row.
            if (try? database.queryOne("SELECT status FROM jobs WHERE id = ?", [.text(id)])?[0].stringValue) == "cancelled" {
                return .cancelled
            }
            if let free = DownloadFolders.freeBytes(folder), free < settings.minFreeBytes {
                return .lowDisk("the disk is almost full: \(free >> 20) MiB free, downloads.min_free_mb keeps \(settings.minFreeBytes >> 20) MiB")
            }
            return nil
        } line: { line in
            take(line, into: &output, owner: owner)
        }
        DownloadFolders.removeTree(Self.staging(folder: folder, id: id))
        switch end {
        case .exited(0) where output.file != nil:
            finish(owner: owner, status: "completed", output: output, error: nil)
        case .exited(let status):
            finish(owner: owner, status: "failed", output: output, error: Self.reason(output.tail, url: url) ?? "yt-dlp ended with status \(status)")
        case .stopped(.cancelled):
            if let file = output.file { unlink(file) }
            finish(owner: owner, status: "cancelled", output: output, error: nil)
        case .stopped(.shutDown):
            finish(owner: owner, status: "failed", output: output, error: "the daemon stopped during the download")
        case .stopped(.timedOut):
            finish(
                owner: owner, status: "failed", output: output, error: "took longer than downloads.timeout_min (\(settings.timeoutSeconds / 60) min)")
        case .stopped(.lowDisk(let why)):
            finish(owner: owner, status: "failed", output: output, error: why)
        case .failedToStart(let why):
            finish(owner: owner, status: "failed", output: output, error: "yt-dlp could not be started: \(why)")
        }
    }

    /// Reads one output line: progress, the title, the finished file, or a line for the tail.
    func take(_ line: Substring, into output: inout Output, owner: String) {
        if let progress = DownloadProgress.parse(line) {
            output.progress = progress
            let now = YtDlpChild.monotonicMilliseconds()
            if now - output.lastWrite >= 1000 || progress.percent == 100 {
                output.lastWrite = now
                record(output)
                service.publish(DownloadEvent(id: id, owner: owner, status: "downloading", progress: progress, title: output.title))
            }
        } else if line.hasPrefix(YtDlpCommand.titleMarker + " ") {
            output.title = String(line.dropFirst(YtDlpCommand.titleMarker.count + 1).prefix(500))
            record(output)
        } else if line.hasPrefix(YtDlpCommand.fileMarker + " ") {
            output.file = String(line.dropFirst(YtDlpCommand.fileMarker.count + 1))
        } else if !line.allSatisfy({ $0 == " " }) {
            output.tail.append(String(line.prefix(300)))
            if output.tail.count > 20 { output.tail.removeFirst() }
        }
    }

    /// The live figures as the row's `result`.
    func result(_ output: Output) -> JSON {
        var result: [String: JSON] = ["title": JSON(output.title)]
        if let progress = output.progress {
            result["downloadedBytes"] = .int(progress.downloadedBytes)
            result["totalBytes"] = progress.totalBytes.map(JSON.int) ?? .null
            result["speed"] = progress.speed.map(JSON.double) ?? .null
            result["eta"] = progress.etaSeconds.map(JSON.init) ?? .null
        }
        return .object(result)
    }

    func record(_ output: Output) {
        let text = String(decoding: result(output).encoded(), as: UTF8.self)
        let percent = output.progress?.percent.map { min(99.9, ($0 * 10).rounded() / 10) } ?? 0
        do {
            try service.database.execute(
                "UPDATE jobs SET progress = ?, result = ?, updated_at = ? WHERE id = ? AND status = 'running'",
                [.real(percent), .text(text), .integer(Timestamp.now()), .text(id)])
        } catch {
            Log.shared.warning("Failed to record 'download progress' of \(id): \(error)")
        }
    }

    /// Records the end (a row cancelled meanwhile stays cancelled) and tells the listeners.
    func finish(owner: String, status: String, output: Output, error: String?) {
        var result = result(output).objectValue ?? [:]
        if status == "completed", let file = output.file {
            var info = stat()
            result["filePath"] = .string(file)
            result["fileSize"] = stat(file, &info) == 0 ? .int(Int64(info.st_size)) : .null
        }
        let text = String(decoding: JSON.object(result).encoded(), as: UTF8.self)
        let now = Timestamp.now()
        do {
            try service.database.execute(
                """
                UPDATE jobs SET status = CASE WHEN status = 'cancelled' THEN 'cancelled' ELSE ? END,
                    progress = CASE WHEN ? = 'completed' THEN 100 ELSE progress END, result = ?,
                    error = CASE WHEN status = 'cancelled' THEN error ELSE ? END, completed_at = coalesce(completed_at, ?), updated_at = ?
                WHERE id = ?
                """, [.text(status), .text(status), .text(text), SQLValue(error), .integer(now), .integer(now), .text(id)])
        } catch {
            Log.shared.error("Failed to record 'download end' of \(id): \(error)")
        }
        if let error { Log.shared.info("Download \(id) ended \(status): \(error)") }
        service.publish(DownloadEvent(id: id, owner: owner, status: status, progress: output.progress, title: output.title))
    }

    /// A short failure reason from yt-dlp's last lines: its last `ERROR:` line (else its last line),
    /// with every URL (which may carry a token in its query) left out.
    static func reason(_ tail: [String], url: String) -> String? {
        guard let line = tail.last(where: { $0.hasPrefix("ERROR:") }) ?? tail.last else { return nil }
        let words = line.replacing(url, with: "<url>").split(separator: " ").map { $0.contains("://") ? "<url>" : String($0) }
        return String(words.joined(separator: " ").prefix(300))
    }
}
