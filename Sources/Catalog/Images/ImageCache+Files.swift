import Core
import Fetch
import HTTP

#if canImport(Glibc)
    import Glibc
#endif

/// The blocking parts of the image cache: fetching from TMDb and reading the folder.
extension ImageCache {
    /// Downloads `name` from `imageBaseURL` and writes it to `imageCacheFolder/<size>/<file>` (temporary
    /// file and rename; folders 0750).
    static func store(_ name: ImageName, settings: CatalogSettings) async throws(HTTPError) -> Image {
        let base = settings.imageBaseURL.hasSuffix("/") ? String(settings.imageBaseURL.dropLast()) : settings.imageBaseURL
        let maximumBytes = max(1, settings.imageMaxBytes)
        let fetch = FetchClient(
            options: FetchOptions(connectTimeout: 5, timeout: 20, maximumResponseBytes: maximumBytes, maximumRedirects: 2))
        let bytes = try await download(name, baseURL: base, fetch: fetch, maximumBytes: maximumBytes)
        let path = "\(settings.imageCacheFolder)/\(name.relativePath)"
        do {
            try FileSystem.makeDirectories("\(settings.imageCacheFolder)/\(name.size)", mode: 0o750)
            try FileSystem.writeAtomically(path, bytes, mode: 0o640)
        } catch {
            throw HTTPError.serverError("Failed to store the image")
        }
        return Image(bytes: bytes, contentType: name.contentType, etag: etag(path) ?? "\"\(bytes.count)\"")
    }

    /// `imageBaseURL/<size>/<file>`, refused unless it is an image within `maximumBytes`.
    static func download(_ name: ImageName, baseURL: String, fetch: FetchClient, maximumBytes: Int) async throws(HTTPError) -> [UInt8] {
        let response: FetchResponse
        do {
            response = try await fetch.get("\(baseURL)/\(name.relativePath)")
        } catch {
            switch error.kind {
            case .tooLarge: throw HTTPError.badGateway("TMDb's image is larger than \(maximumBytes) bytes")
            case .timeout: throw HTTPError.badGateway("TMDb's image server did not answer in time")
            default: throw HTTPError.badGateway("TMDb's image server is unreachable")
            }
        }
        switch response.status {
        case 200: break
        case 404: throw HTTPError.notFound("No such image")
        default: throw HTTPError.badGateway("TMDb's image server answered HTTP \(response.status)")
        }
        guard response.header("Content-Type")?.lowercased().hasPrefix("image/") == true else {
            throw HTTPError.badGateway("TMDb's image server answered something that is not an image")
        }
        guard !response.body.isEmpty, response.body.count <= maximumBytes else {
            throw HTTPError.badGateway("TMDb's image is empty or larger than \(maximumBytes) bytes")
        }
        return response.body
    }

    /// The cached file at `path`, or nil when it cannot be read.
    static func read(_ path: String, contentType: String) -> Image? {
        guard let bytes = try? FileSystem.read(path, limit: 64 << 20), let etag = etag(path) else { return nil }
        return Image(bytes: bytes, contentType: contentType, etag: etag)
    }

    /// `"<size>-<mtime in ns>"` of the file at `path`.
    static func etag(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return "\"\(info.st_size)-\(Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec))\""
    }
}
