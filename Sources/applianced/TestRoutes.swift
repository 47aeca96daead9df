import HTTP
import Routes
import Core

/// Routes for the shutdown tests only, mounted when `APPLIANCED_TEST_ROUTES=1` (never in production):
/// `GET /api/test/slow?ms=N` answers `{"slept_ms":N}` after sleeping N ms (at most 10 000), and
/// `GET /api/test/ws-echo` is a WebSocket that echoes each text message.
struct TestRoutes: RouteProvider {
    var routes: [Route] {
        [
            .get("/api/test/slow", .public, RouteDoc(
                    "Sleeps ms milliseconds, then answers (tests only)", tag: "test", query: ["ms"],
                    responseSchema: .object(["slept_ms": .integer]))) { request in
                let milliseconds = min(10_000, max(0, Int(request.query["ms"] ?? "") ?? 1000))
                try await Task.sleep(for: .milliseconds(milliseconds))
                return .json(["slept_ms": JSON(milliseconds)])
            },
            // Echoes every text message: a WebSocket conformance client can be pointed at the framing code.
            Route(
                "GET", "/api/test/ws-echo", access: .public, doc: RouteDoc("Echoes WebSocket text messages (tests only)", tag: "test"),
                handler: .webSocket { _, socket in
                    while let message = await socket.receive() {
                        socket.send(text: message)
                    }
                }),
        ]
    }
}
