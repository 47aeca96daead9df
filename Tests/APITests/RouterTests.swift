@testable import HTTP
@testable import Routes
import Testing

struct RouterTests {
    static let router = Router([
        .get("/api/jobs", .authenticated, RouteDoc("List jobs", tag: "jobs")) { _ in .text("list") },
        .post("/api/jobs", .authenticated, RouteDoc("Create job", tag: "jobs")) { _ in .text("create") },
        .get("/api/jobs/{id}", .authenticated, RouteDoc("Job", tag: "jobs")) { _ in .text("one") },
        .delete("/api/jobs/{id}", .authenticated, RouteDoc("Delete job", tag: "jobs")) { _ in .text("del") },
        .get("/api/jobs/active", .authenticated, RouteDoc("Active jobs", tag: "jobs")) { _ in .text("active") },
        .get("/api/v1/settings/", .authenticated, RouteDoc("All settings", tag: "settings")) { _ in .text("all") },
        .get("/api/v1/settings/{key}", .authenticated, RouteDoc("One setting", tag: "settings")) { _ in .text("key") },
    ])

    @Test(arguments: [
        ("GET", "/api/jobs", "/api/jobs", [:]),
        ("HEAD", "/api/jobs", "/api/jobs", [:]),
        ("POST", "/api/jobs", "/api/jobs", [:]),
        ("GET", "/api/jobs/job-1", "/api/jobs/{id}", ["id": "job-1"]),
        ("GET", "/api/jobs/active", "/api/jobs/active", [:]),
        ("DELETE", "/api/jobs/x", "/api/jobs/{id}", ["id": "x"]),
        ("GET", "/api/v1/settings/", "/api/v1/settings/", [:]),
        ("GET", "/api/v1/settings/plex_url", "/api/v1/settings/{key}", ["key": "plex_url"]),
    ] as [(String, String, String, [String: String])])
    func matches(method: String, path: String, pattern: String, parameters: [String: String]) throws {
        guard case .found(let route, let found) = Self.router.match(method: method, path: path) else {
            Issue.record("no match for \(method) \(path)")
            return
        }
        #expect(route.pattern == pattern)
        #expect(found == parameters)
    }

    @Test(arguments: ["/api", "/api/jobs/x/y", "/nope", "/api/v1/settings"])
    func notFound(path: String) {
        guard case .notFound = Self.router.match(method: "GET", path: path) else {
            Issue.record("expected 404 for \(path)")
            return
        }
    }

    /// The byte-wise split gives what `String.split` on "/" gave (plus the trailing-slash segment), for ASCII,
    /// percent-encoded and non-ASCII segments alike.
    @Test(arguments: [
        ("/", [String]()), ("", []), ("//", [""]), ("/api", ["api"]), ("/api/", ["api", ""]), ("api/jobs", ["api", "jobs"]),
        ("/api//jobs///x", ["api", "jobs", "x"]), ("/api/jobs/x/", ["api", "jobs", "x", ""]),
        ("/films/Am%C3%A9lie", ["films", "Am%C3%A9lie"]), ("/films/Amélie/été", ["films", "Amélie", "été"]),
        ("/🎬/{id}", ["🎬", "{id}"]),
    ] as [(String, [String])])
    func splitsOnSlashes(path: String, parts: [String]) {
        #expect(Router.split(path).map(String.init) == parts)
    }

    @Test func methodNotAllowedListsAllowed() {
        guard case .methodNotAllowed(let allowed) = Self.router.match(method: "PUT", path: "/api/jobs") else {
            Issue.record("expected 405")
            return
        }
        #expect(allowed == ["GET", "HEAD", "OPTIONS", "POST"])
    }
}
