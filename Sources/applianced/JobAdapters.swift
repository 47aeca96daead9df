import Config
import Fetch
import Hardware
import Jobs
import Plex

/// The job runner's settings read from the config and the hardware inventory on every call:
/// the Plex server, BIF folder, path mapping, thumbnail options, worker counts and priorities.
enum ConfigJobSettings {
    static func settings(config: ConfigStore, inventory: HardwareInventory, client: PlexClientInfo) -> JobSettings {
        let s = config.snapshot
        let url = s.string("plex.url")
        let token = s.value("plex.token")?.stringValue ?? ""
        let timeout = Double(s.integer("plex.request_timeout_s"))
        let plex = url.isEmpty || token.isEmpty
            ? nil
            : PlexServerClient(
                baseURL: url, token: token, client: client,
                fetch: FetchClient(options: FetchOptions(connectTimeout: min(5, timeout), timeout: timeout, maximumResponseBytes: 32 << 20)))
        return JobSettings(
            plex: plex, plexConfigFolder: s.string("plex.config_folder"),
            pathMapping: JobSettings.mapping(
                plexPrefix: s.string("plex.videos_path_mapping"), localPrefix: s.string("plex.local_videos_path_mapping")),
            intervalSeconds: s.integer("thumbnails.interval"), quality: s.integer("thumbnails.quality"),
            gpuWorkersPerGPU: s.integer("workers.gpu_threads"), cpuWorkers: s.integer("workers.cpu_threads"),
            renderNodes: inventory.snapshot.gpus.compactMap(\.workerDevice),
            pauseWhileStreaming: s.bool("limits.pause_while_streaming"), sessionPollSeconds: 5,
            workerNice: s.integer("limits.worker_nice"), workerIdleIO: s.bool("limits.worker_idle_io"),
            helper: MediaAdapters.settings(s))
    }
}
