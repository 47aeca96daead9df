import Core
import Fetch
import FoundationEssentials
public import HTTP

#if canImport(Glibc)
    import Glibc
#endif

/// TMDb's images kept on disk (`imageCacheFolder/<size>/<file>`) within `imageCacheBytes`: fetched once
/// (concurrent requests for the same missing image share one download), written atomically, and the
/// least recently used evicted when a write takes the folder over budget. The index of what is there
/// is rebuilt from the folder on first use (last use = access time), then kept in memory.
public actor ImageCache {
    /// One image ready to serve.
    public struct Image: Sendable {
        public let bytes: [UInt8]
        public let contentType: String
        /// Size and modification time of the cached file, quoted: the file never changes in place.
        public let etag: String
    }

    /// What the index knows of one cached file.
    struct Entry {
        var bytes: Int64
        var lastUse: Double
    }

    /// The catalog's settings now: folder, budget, size limit and image server apply from the next request.
    let settings: @Sendable () -> CatalogSettings
    /// Relative path → size and last use; nil until the folder was read.
    var index: [String: Entry]?
    /// The folder `index` describes (a config change to another folder starts a new index).
    var indexedFolder = ""
    var total: Int64 = 0
    var downloads: [String: Task<Image, any Error>] = [:]

    public init(settings: @escaping @Sendable () -> CatalogSettings) {
        self.settings = settings
    }

    /// A cache for fixed settings (tools and tests).
    public init(settings: CatalogSettings) {
        self.init(settings: { settings })
    }

    /// The cache folder now.
    nonisolated var folder: String { settings().imageCacheFolder }

    /// The image, from the folder or fetched from TMDb; 404 when TMDb has none, 502 when TMDb fails or
    /// answers something that is not an acceptable image. Files are read and written off the actor, so
    /// serving cached images never waits on another request's disk or network.
    public nonisolated func image(_ name: ImageName) async throws(HTTPError) -> Image {
        let download: Task<Image, any Error>
        if let pending = await lookup(name) {
            download = pending
        } else if let image = Self.read("\(folder)/\(name.relativePath)", contentType: name.contentType) {
            return image
        } else {
            // Listed but unreadable (removed behind our back): fetch it again.
            download = await refetch(name)
        }
        return try await download.result.mapError { $0 as? HTTPError ?? .serverError() }.get()
    }

    /// Nil when the folder has `name` (marked used now); else the download that brings it, started
    /// here unless one is already under way, so concurrent requests share it.
    private func lookup(_ name: ImageName) -> Task<Image, any Error>? {
        loadIndex()
        let key = name.relativePath
        guard index?[key] == nil else {
            index?[key]?.lastUse = Self.now()
            return nil
        }
        return downloads[key] ?? startDownload(name)
    }

    /// A download of `name` after its file went missing.
    private func refetch(_ name: ImageName) -> Task<Image, any Error> {
        forget(name.relativePath)
        return downloads[name.relativePath] ?? startDownload(name)
    }

    /// Starts fetching `name` into the folder; the task records the file and evicts when done.
    private func startDownload(_ name: ImageName) -> Task<Image, any Error> {
        let task = Task { try await self.fill(name) }
        downloads[name.relativePath] = task
        return task
    }

    /// Fetches `name`, writes it to the folder and records it.
    private func fill(_ name: ImageName) async throws(HTTPError) -> Image {
        defer { downloads[name.relativePath] = nil }
        let image = try await Self.store(name, settings: settings())
        record(name.relativePath, bytes: Int64(image.bytes.count))
        return image
    }

    /// Adds a written file to the index and evicts the least recently used others while over budget.
    private func record(_ key: String, bytes: Int64) {
        forget(key)
        index?[key] = Entry(bytes: bytes, lastUse: Self.now())
        total += bytes
        evict(keeping: key)
    }

    /// Removes the least recently used files (all but `kept`) until the folder is within budget.
    private func evict(keeping kept: String? = nil) {
        let budget = settings().imageCacheBytes
        guard total > budget, let index else { return }
        for (victim, _) in index.sorted(by: { $0.value.lastUse < $1.value.lastUse }) where victim != kept {
            guard total > budget else { break }
            unlink("\(folder)/\(victim)")
            forget(victim)
        }
    }

    /// Drops `key` from the index (the file, if any, stays).
    private func forget(_ key: String) {
        if let entry = index?.removeValue(forKey: key) { total -= entry.bytes }
    }

    /// Reads the folder once: every `<size>/<file>` with a valid name; leftover temporary files (a dot
    /// first) are removed.
    private func loadIndex() {
        let folder = folder
        guard index == nil || indexedFolder != folder else { return }
        indexedFolder = folder
        var found: [String: Entry] = [:]
        var sum: Int64 = 0
        for size in Set(ImageName.sizes.values.joined()) {
            for file in FileSystem.list("\(folder)/\(size)") {
                // A temporary file of a write cut short (the daemon stopped mid-write) is never finished.
                if file.hasPrefix(".") { unlink("\(folder)/\(size)/\(file)") }
                guard ImageName.isFileName(file) else { continue }
                var info = stat()
                guard stat("\(folder)/\(size)/\(file)", &info) == 0 else { continue }
                let lastUse = Double(info.st_atim.tv_sec) + Double(info.st_atim.tv_nsec) / 1e9
                found["\(size)/\(file)"] = Entry(bytes: Int64(info.st_size), lastUse: lastUse)
                sum += Int64(info.st_size)
            }
        }
        index = found
        total = sum
        // The budget may have shrunk since the files were written.
        evict()
    }

    /// Wall-clock seconds, the unit of access times.
    static func now() -> Double { Date().timeIntervalSince1970 }
}
