import API
import Core

/// Routes for the shutdown tests only, mounted when `APPLIANCED_TEST_ROUTES=1` (never in production):
/// `GET /api/test/slow?ms=N` answers `{"slept_ms":N}` after sleeping N ms (at most 10 000).
struct TestRoutes: RouteProvider {
    var routes: [Route] {
        [
            .get("/api/test/slow", .public, RouteDoc(
                    "Sleeps ms milliseconds, then answers (tests only)", tag: "test", query: ["ms"],
                    responseSchema: .object(["slept_ms": .integer]))) { request in
                let milliseconds = min(10_000, max(0, Int(request.query["ms"] ?? "") ?? 1000))
                try await Task.sleep(for: .milliseconds(milliseconds))
                return .json(["slept_ms": JSON(milliseconds)])
            }
        ]
    }
}
