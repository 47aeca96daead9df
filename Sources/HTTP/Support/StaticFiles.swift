import Core
import Crypto

#if canImport(Glibc)
    import Glibc
#endif

/// The wizard and dashboard pages from `www_root`: `/` (index.html, or a redirect to `/setup` until setup
/// is complete), `/setup` (setup.html), and every other file found under the root at start, at its own
/// path (`/css/app.css`). Files are read per request (edits show at once, cached by ETag); names are
/// checked, symlinks must stay inside the root, sizes are capped; every answer carries the security headers.
public struct StaticFiles: RouteProvider {
    /// Files larger than this are not served.
    public static let sizeLimit = 4 << 20
    static let fileLimit = 2000
    static let depthLimit = 8

    public static let securityHeaders: [(String, String)] = [
        (
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                + "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
        ),
        ("X-Frame-Options", "DENY"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
    ]

    static let contentTypes: [String: String] = [
        "html": "text/html; charset=utf-8", "css": "text/css; charset=utf-8", "js": "text/javascript; charset=utf-8",
        "json": "application/json", "svg": "image/svg+xml", "png": "image/png", "jpg": "image/jpeg", "ico": "image/x-icon",
        "webp": "image/webp", "woff2": "font/woff2", "txt": "text/plain; charset=utf-8", "webmanifest": "application/manifest+json",
    ]

    let root: String
    let setup: any SetupState
    /// Relative paths (`css/app.css`) of the files found at start.
    public let files: [String]

    /// Scans `wwwRoot` once; a missing root serves nothing but `/` and `/setup` answer 404.
    public init(wwwRoot: String, setup: any SetupState) {
        self.root = StaticFiles.realPath(wwwRoot) ?? wwwRoot
        self.setup = setup
        var found: [String] = []
        StaticFiles.scan(self.root, prefix: "", depth: 0, into: &found)
        self.files = found
    }

    public var routes: [Route] {
        func doc(_ summary: String, _ file: String, redirects: Bool = false) -> RouteDoc {
            let ext = file.split(separator: ".").last.map { $0.lowercased() } ?? ""
            return RouteDoc(
                summary, tag: "pages", responseSchema: .text, contentType: StaticFiles.contentTypes[ext] ?? "application/octet-stream",
                errors: (redirects ? [302] : []) + [304, 404])
        }
        var routes: [Route] = [
            .get("/", .public, doc("Dashboard, or a redirect to /setup until setup is complete", "index.html", redirects: true)) { request in
                if !setup.isSetupComplete { return StaticFiles.redirect(to: "/setup") }
                return try await serve("index.html", request)
            },
            .get("/setup", .public, doc("Setup wizard", "setup.html")) { request in try await serve("setup.html", request) },
        ]
        for file in files where !["index.html", "setup.html", "setup"].contains(file) {
            routes.append(.get("/" + file, .public, doc("Wizard and dashboard page", file)) { request in try await serve(file, request) })
        }
        return routes
    }

    static func redirect(to location: String) -> Response {
        var headers = Headers(securityHeaders)
        headers.add("Location", location)
        headers.add("Cache-Control", "no-store")
        return Response(status: 302, headers: headers)
    }

    /// Answers one file: 200 with the body, or 304 when the browser's copy is current.
    /// Reads on `BlockingWork` (a slow SD card holds a Dispatch thread, never the cooperative pool's).
    func serve(_ relative: String, _ request: Request) async throws -> Response {
        let files = self
        return try await BlockingWork.run { try files.serveNow(relative, request) }
    }

    func serveNow(_ relative: String, _ request: Request) throws -> Response {
        guard let path = StaticFiles.resolve(relative, in: root) else { throw HTTPError.notFound("Page not found.") }
        let file = try StaticFiles.read(path)
        let etag = "\"" + Base64.hex(Array(Crypto.sha1(file.bytes).prefix(12))) + "\""
        let modified = HTTPDate.format(epochSeconds: file.modified)
        var headers = Headers(StaticFiles.securityHeaders)
        headers.add("ETag", etag)
        headers.add("Last-Modified", modified)
        headers.add("Cache-Control", "no-cache")
        if StaticFiles.notModified(request.headers, etag: etag, modified: modified) {
            return Response(status: 304, headers: headers)
        }
        let ext = relative.split(separator: ".").last.map { $0.lowercased() } ?? ""
        headers.add("Content-Type", StaticFiles.contentTypes[ext] ?? "application/octet-stream")
        return Response(status: 200, headers: headers, body: file.bytes)
    }

    /// `If-None-Match` wins over `If-Modified-Since` (RFC 9110 §13.2.2).
    static func notModified(_ headers: Headers, etag: String, modified: String) -> Bool {
        if let match = headers["If-None-Match"] {
            return match.split(separator: ",").contains { tag in
                let trimmed = tag.trimmingWhitespace()
                return trimmed == "*" || trimmed == etag || trimmed == "W/" + etag
            }
        }
        return headers["If-Modified-Since"] == modified
    }

    /// A checked relative name: segments of letters, digits, `.`, `-`, `_`, none hidden, no `..`, no NUL.
    static func isSafeName(_ relative: String) -> Bool {
        guard !relative.isEmpty, relative.utf8.count <= 255, !relative.hasPrefix("/") else { return false }
        return relative.split(separator: "/", omittingEmptySubsequences: false).allSatisfy { segment in
            !segment.isEmpty && !segment.hasPrefix(".")
                && segment.unicodeScalars.allSatisfy {
                    $0.properties.isAlphabetic && $0.isASCII || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)
                }
        }
    }

    /// The absolute path of `relative` under `root`, or nil when the name is unsafe or it (through symlinks) leaves the root.
    static func resolve(_ relative: String, in root: String) -> String? {
        guard isSafeName(relative), let real = realPath(root + "/" + relative), real.hasPrefix(root + "/") else { return nil }
        return real
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Reads a regular file up to the size limit, with its modification time.
    static func read(_ path: String) throws -> (bytes: [UInt8], modified: Int) {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { throw HTTPError.notFound("Page not found.") }
        guard info.st_size <= sizeLimit else { throw HTTPError.serverError("Page is larger than the size limit.") }
        return (try FileSystem.read(path, limit: sizeLimit), Int(info.st_mtim.tv_sec))
    }

    /// Collects safe names of regular files (and of symlinks that stay inside the root), depth- and count-limited.
    static func scan(_ root: String, prefix: String, depth: Int, into found: inout [String]) {
        guard depth < depthLimit else { return }
        for name in FileSystem.list(prefix.isEmpty ? root : root + "/" + prefix) {
            let relative = prefix.isEmpty ? name : prefix + "/" + name
            guard found.count < fileLimit, isSafeName(relative), let real = resolve(relative, in: root) else { continue }
            var info = stat()
            guard stat(real, &info) == 0 else { continue }
            if (info.st_mode & S_IFMT) == S_IFDIR {
                scan(root, prefix: relative, depth: depth + 1, into: &found)
            } else if (info.st_mode & S_IFMT) == S_IFREG, info.st_size <= sizeLimit {
                found.append(relative)
            }
        }
    }
}
