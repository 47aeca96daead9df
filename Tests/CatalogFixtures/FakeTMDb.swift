import Synchronization
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// TMDb on 127.0.0.1 for the catalog's tests: the v3 API under `/3` (search, movie, tv, season,
/// episode, collection, in the spec's shapes, for The Matrix and Breaking Bad) and the image server
/// under `/t/p`. It checks the key as TMDb does (`api_key` or a bearer token), counts requests by path,
/// and can be told to misbehave (`behaviour`).
final class FakeTMDb: Sendable {
    static let key = "fake-v3-key-5ecret0123456789"
    static let bearer = "eyJhbGciOiJIUzI1NiJ9.fake-v4-read-token.5ecret"

    /// What the fake answers instead of the truth.
    enum Behaviour: Sendable, Equatable {
        case normal
        /// This status, with TMDb's error body, to every API request.
        case status(Int)
        /// 429 with `Retry-After: 1` to the next `count` API requests, then the truth.
        case throttled(count: Int)
        /// 200 with a body that is not JSON.
        case garbage
        /// 200 with an HTML page (a captive portal, a proxy's error page).
        case html
        /// 200 with 5 MiB of JSON (past the client's 4 MiB cap).
        case huge
        /// The truth, after `seconds`.
        case slow(seconds: Int)
    }

    struct Seen: Sendable {
        let path: String
        let query: [String: String]
        let authorization: String?
    }

    private struct State {
        var behaviour = Behaviour.normal
        var seen: [Seen] = []
    }

    /// The state, shared by the tests and the server's thread.
    private final class Shared: Sendable {
        let state = Mutex(State())
    }

    let server: LoopbackHTTPServer
    private let shared: Shared

    init() throws {
        let shared = Shared()
        self.shared = shared
        server = try LoopbackHTTPServer { request in
            let behaviour = shared.state.withLock { state in
                state.seen.append(Seen(path: request.path, query: request.query, authorization: request.headers["authorization"]))
                if case .throttled(let count) = state.behaviour, request.path.hasPrefix("/3/") {
                    state.behaviour = count > 1 ? .throttled(count: count - 1) : .normal
                    return Behaviour.throttled(count: count)
                }
                return state.behaviour
            }
            return FakeTMDb.answer(request, behaviour: behaviour)
        }
    }

    /// `http://127.0.0.1:<port>/3`.
    var apiURL: String { server.baseURL + "/3" }
    /// `http://127.0.0.1:<port>/t/p`.
    var imageURL: String { server.baseURL + "/t/p" }

    var behaviour: Behaviour {
        get { shared.state.withLock { $0.behaviour } }
        set { shared.state.withLock { $0.behaviour = newValue } }
    }

    var seen: [Seen] { shared.state.withLock { $0.seen } }

    /// How many requests asked for `path` (e.g. `/3/movie/603`, `/t/p/w500/poster.png`).
    func count(_ path: String) -> Int { seen.filter { $0.path == path }.count }

    static func answer(_ request: LoopbackHTTPServer.Request, behaviour: Behaviour) -> LoopbackHTTPServer.Response {
        if request.path.hasPrefix("/t/p/") { return FakeTMDbImages.answer(request.path) }
        guard request.path.hasPrefix("/3/") else { return .text(404, "not found") }
        switch behaviour {
        case .normal: break
        case .status(let status): return error(status)
        case .throttled: return LoopbackHTTPServer.Response(status: 429, headers: [("Retry-After", "1")], body: Array(#"{"status_code":25}"#.utf8))
        case .garbage:
            return LoopbackHTTPServer.Response(status: 200, headers: [("Content-Type", "application/json")], body: Array("{\"results\": [tru".utf8))
        case .html:
            return LoopbackHTTPServer.Response(
                status: 200, headers: [("Content-Type", "text/html")], body: Array("<html><body>Proxy error</body></html>".utf8))
        case .huge:
            let body = Array(#"{"results":[""#.utf8) + [UInt8](repeating: 0x61, count: 5 << 20) + Array(#""]}"#.utf8)
            return LoopbackHTTPServer.Response(status: 200, headers: [("Content-Type", "application/json")], body: body)
        case .slow(let seconds): sleep(UInt32(seconds))
        }
        guard request.query["api_key"] == key || request.headers["authorization"] == "Bearer \(bearer)" else { return error(401) }
        let path = String(request.path.dropFirst(2))
        guard let body = FakeTMDbData.body(path, query: request.query) else { return error(404) }
        return LoopbackHTTPServer.Response(status: 200, headers: [("Content-Type", "application/json;charset=utf-8")], body: Array(body.utf8))
    }

    /// TMDb's error body for `status`.
    static func error(_ status: Int) -> LoopbackHTTPServer.Response {
        let message =
            switch status {
            case 401: #"{"success":false,"status_code":7,"status_message":"Invalid API key: You must be granted a valid key."}"#
            case 404: #"{"success":false,"status_code":34,"status_message":"The resource you requested could not be found."}"#
            default: #"{"success":false,"status_code":11,"status_message":"Internal error: Something went wrong, contact TMDb."}"#
            }
        return LoopbackHTTPServer.Response(status: status, headers: [("Content-Type", "application/json")], body: Array(message.utf8))
    }
}
