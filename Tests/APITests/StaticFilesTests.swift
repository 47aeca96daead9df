import Core
import Testing

@testable import HTTP
@testable import Routes

#if canImport(Glibc)
    import Glibc
#endif

struct StaticFilesTests {
    final class Flag: SetupState {
        let isSetupComplete: Bool
        init(_ complete: Bool) { isSetupComplete = complete }
    }

    /// A www root with pages, a hidden file, symlinks in and out of the root and an oversized file.
    static func makeRoot() throws -> String {
        var template = Array("/tmp/wizard-static-XXXXXX".utf8CString)
        let root = String(cString: try #require(template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }))
        try FileSystem.makeDirectories(root + "/css")
        try FileSystem.writeAtomically(root + "/index.html", Array("<h1>dashboard</h1>".utf8))
        try FileSystem.writeAtomically(root + "/setup.html", Array("<h1>wizard</h1>".utf8))
        try FileSystem.writeAtomically(root + "/css/app.css", Array("body{}".utf8))
        try FileSystem.writeAtomically(root + "/.secret", Array("x".utf8))
        try FileSystem.writeAtomically(root + "/big.bin", [UInt8](repeating: 0, count: StaticFiles.sizeLimit + 1))
        symlink("/etc/hostname", root + "/outside.txt")
        symlink(root + "/css/app.css", root + "/inside.css")
        return root
    }

    static func remove(_ root: String) {
        for path in ["/index.html", "/setup.html", "/css/app.css", "/.secret", "/big.bin", "/outside.txt", "/inside.css"] { unlink(root + path) }
        rmdir(root + "/css")
        rmdir(root)
    }

    @Test func registersOnlySafeFilesInsideTheRoot() throws {
        let root = try Self.makeRoot()
        defer { Self.remove(root) }
        let pages = StaticFiles(wwwRoot: root, setup: Flag(true))
        #expect(pages.files == ["css/app.css", "index.html", "inside.css", "setup.html"])
        #expect(Set(pages.routes.map(\.pattern)) == ["/", "/setup", "/css/app.css", "/inside.css"])
        #expect(pages.routes.allSatisfy { $0.access == .public && $0.method == "GET" })
    }

    @Test func rootRedirectsToSetupUntilComplete() async throws {
        let root = try Self.makeRoot()
        defer { Self.remove(root) }
        let response = try await call(Router(StaticFiles(wwwRoot: root, setup: Flag(false)).routes), "GET", "/")
        #expect(response.status == 302)
        #expect(response.headers["Location"] == "/setup")
        #expect(response.headers["X-Frame-Options"] == "DENY")
        let done = try await call(Router(StaticFiles(wwwRoot: root, setup: Flag(true)).routes), "GET", "/")
        #expect(done.status == 200)
        #expect(String(decoding: done.body, as: UTF8.self) == "<h1>dashboard</h1>")
    }

    @Test func servesWithTypeCachingAndSecurityHeaders() async throws {
        let root = try Self.makeRoot()
        defer { Self.remove(root) }
        let router = Router(StaticFiles(wwwRoot: root, setup: Flag(false)).routes)
        let page = try await call(router, "GET", "/setup")
        #expect(page.headers["Content-Type"] == "text/html; charset=utf-8")
        let css = try await call(router, "GET", "/css/app.css")
        #expect(css.status == 200)
        #expect(css.headers["Content-Type"] == "text/css; charset=utf-8")
        for (name, value) in StaticFiles.securityHeaders {
            #expect(css.headers[name] == value)
            #expect(page.headers[name] == value)
        }
        #expect(css.headers["Content-Security-Policy"]?.hasPrefix("default-src 'self'; img-src 'self' data:;") == true)
        let etag = try #require(css.headers["ETag"])
        let modified = try #require(css.headers["Last-Modified"])
        #expect(modified.hasSuffix(" GMT"))

        let cached = try await call(router, "GET", "/css/app.css", headers: Headers([("If-None-Match", "\"other\", " + etag)]))
        #expect(cached.status == 304)
        #expect(cached.body.isEmpty)
        #expect(cached.headers["X-Content-Type-Options"] == "nosniff")
        #expect(try await call(router, "GET", "/css/app.css", headers: Headers([("If-Modified-Since", modified)])).status == 304)
        #expect(try await call(router, "GET", "/css/app.css", headers: Headers([("If-None-Match", "\"stale\"")])).status == 200)
    }

    @Test(arguments: ["/css/../setup.html", "/../etc/passwd", "/.secret", "/outside.txt", "/big.bin", "/css", "/css/", "/nope.js"])
    func unknownOrUnsafePathsAreNotRouted(path: String) throws {
        let root = try Self.makeRoot()
        defer { Self.remove(root) }
        guard case .notFound = Router(StaticFiles(wwwRoot: root, setup: Flag(true)).routes).match(method: "GET", path: path) else {
            Issue.record("\(path) should not be served")
            return
        }
    }

    @Test(arguments: ["../etc/passwd", "css/../../etc/passwd", "a\u{0}b", ".secret", "css/./app.css", "/etc/passwd", "css//app.css", "", "c\\d"])
    func unsafeNamesDoNotResolve(name: String) throws {
        let root = try Self.makeRoot()
        defer { Self.remove(root) }
        #expect(StaticFiles.resolve(name, in: root) == nil)
    }

    @Test func aSymlinkSwappedToLeaveTheRootAfterStartIs404() async throws {
        let root = try Self.makeRoot()
        defer { Self.remove(root) }
        let router = Router(StaticFiles(wwwRoot: root, setup: Flag(true)).routes)
        unlink(root + "/inside.css")
        symlink("/etc/hostname", root + "/inside.css")
        let error = await #expect(throws: HTTPError.self) { try await call(router, "GET", "/inside.css") }
        #expect(error?.status == 404)
    }

    @Test func httpDates() {
        #expect(HTTPDate.format(epochSeconds: 784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDate.format(epochSeconds: 0) == "Thu, 01 Jan 1970 00:00:00 GMT")
    }
}

/// The checked-in pages: everything they reference is served, and nothing needs what the CSP forbids.
struct WizardPagesTests {
    static let www: String = {
        var parts = "\(#filePath)".split(separator: "/").map(String.init)
        parts.removeLast(3)
        return "/" + parts.joined(separator: "/") + "/rootfs/usr/share/applianced/www"
    }()

    @Test func pagesAreServedAndCSPClean() throws {
        struct Done: SetupState { var isSetupComplete: Bool { true } }
        let pages = StaticFiles(wwwRoot: Self.www, setup: Done())
        #expect(pages.files.contains("index.html") && pages.files.contains("setup.html") && pages.files.contains("favicon.ico"))
        for file in pages.files where file.hasSuffix(".html") || file.hasSuffix(".css") || file.hasSuffix(".js") {
            let text = try FileSystem.readText(Self.www + "/" + file)
            #expect(
                text.firstMatch(of: /(?:src|href)=["']?(?:https?:)?\/\/|url\(["']?(?:https?:)?\/\/|@import/) == nil,
                "\(file) loads something from another origin")
            guard file.hasSuffix(".html") else { continue }
            #expect(!text.contains("<script>") && !text.contains("style=") && !text.contains("<style"), "\(file) has inline script or style")
            #expect(text.firstMatch(of: /\son[a-z]+\s*=/) == nil, "\(file) has an inline event handler")
            for reference in text.matches(of: /(?:src|href)="\/([^"]+)"/).map({ String($0.output.1) }) {
                #expect(pages.files.contains(reference), "\(file) references /\(reference), which is not served")
            }
        }
    }
}
