import Catalog
import Config
import Core
import MediaHelper
import Store

/// The catalog service from the config: library roots, TMDb, the image cache under the root, the
/// media helper as the scanner's prober; config edits reach it without a restart.
enum CatalogAssembly {
    static func service(config: ConfigStore, database: Database, root: String) throws -> CatalogService {
        let cacheFolder = (root.hasSuffix("/") ? String(root.dropLast()) : root) + "/var/cache/applianced/images"
        let snapshot = config.snapshot
        let catalog = CatalogService(
            database: database, settings: settings(snapshot, cacheFolder: cacheFolder),
            prober: MediaHelperClient(settings: MediaAdapters.settings(snapshot)), nice: Int32(snapshot.integer("limits.worker_nice")))
        try catalog.scanner.settleInterrupted()
        _ = config.subscribe { [catalog] _ in catalog.update(settings(config.snapshot, cacheFolder: cacheFolder)) }
        return catalog
    }

    static func settings(_ s: ConfigSnapshot, cacheFolder: String) -> CatalogSettings {
        CatalogSettings(
            libraryRoots: s.strings("catalog.library_roots"), probeFiles: s.bool("catalog.probe_files"),
            missingGraceMilliseconds: Int64(s.integer("catalog.missing_grace_hours")) * 3_600_000,
            tmdbEnabled: s.bool("integrations.tmdb.enabled"), tmdbBaseURL: s.string("integrations.tmdb.url"),
            tmdbAPIKey: s.string("integrations.tmdb.api_key"), tmdbRequestsPerSecond: s.integer("catalog.tmdb_requests_per_second"),
            tmdbCacheSeconds: s.integer("catalog.tmdb_cache_minutes") * 60, imageBaseURL: s.string("catalog.image_base_url"),
            imageCacheFolder: cacheFolder, imageCacheBytes: Int64(s.integer("catalog.image_cache_mb")) << 20,
            imageMaxBytes: s.integer("catalog.image_max_mb") << 20)
    }
}
