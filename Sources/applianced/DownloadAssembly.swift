import Config
import Core
import Downloads
import SocketIO
import Store

/// yt-dlp downloads from the config (`[downloads]`, `limits.worker_nice`, `limits.worker_idle_io`,
/// `catalog.library_roots`, read on every use so edits apply at once): downloads a previous run left
/// queued or running are failed, and each download's progress goes out as 001's `download:progress`
/// to its owner (on `/`, `/authenticated` and `/media`) and to admins (also on `/admin`). A finished
/// file inside a library folder reaches the catalog through its folder watcher.
enum DownloadAssembly {
    static func service(config: ConfigStore, database: Database, socketIO: SocketIOServer) throws -> DownloadService {
        let service = DownloadService(database: database) { settings(config.snapshot) }
        try service.settleInterrupted()
        service.emitProgress(to: socketIO)
        return service
    }

    static func settings(_ s: ConfigSnapshot) -> DownloadSettings {
        DownloadSettings(
            folder: s.string("downloads.folder"), ytDlpPath: s.string("downloads.yt_dlp_path"),
            maxConcurrent: s.integer("downloads.max_concurrent"), perHour: s.integer("downloads.per_hour"),
            minFreeBytes: UInt64(max(0, s.integer("downloads.min_free_mb"))) << 20, timeoutSeconds: s.integer("downloads.timeout_min") * 60,
            nice: s.integer("limits.worker_nice"), idleIO: s.bool("limits.worker_idle_io"), libraryRoots: s.strings("catalog.library_roots"))
    }
}
