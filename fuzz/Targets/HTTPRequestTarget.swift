@testable import HTTP
@testable import Routes
import Core
import Crypto

/// What is ours of the request path today (libmicrohttpd parses the bytes and decodes the query):
/// the router, request IDs, header lookup, the auth gate, the WebSocket upgrade check and the error
/// answer. The input is read as a request head: `METHOD target`, then `Name: value` lines. When our
/// own HTTP/1.1 parser lands, its target is one more file beside this one.
func fuzzHTTPRequest(_ input: [UInt8]) {
    let lines = input.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).prefix(64)
    guard let first = lines.first else { return }
    let requestLine = first.split(separator: UInt8(ascii: " "), maxSplits: 1, omittingEmptySubsequences: false)
    let method = String(decoding: requestLine[0], as: UTF8.self)
    let target = requestLine.count > 1 ? String(decoding: requestLine[1], as: UTF8.self) : ""
    let path = String(target.prefix { $0 != "?" })
    var headers = Headers()
    for line in lines.dropFirst() {
        let parts = line.split(separator: UInt8(ascii: ":"), maxSplits: 1, omittingEmptySubsequences: false)
        headers.add(String(decoding: parts[0], as: UTF8.self), parts.count > 1 ? String(decoding: parts[1].drop { $0 == 32 }, as: UTF8.self) : "")
    }
    let id = HTTPFuzzFixtures.ids.make(clientSent: headers)
    if RequestIDs.isSane(id) == false { violated("request id '\(id)' is not sane", input) }
    let error: HTTPError
    switch HTTPFuzzFixtures.router.match(method: method, path: path) {
    case .found(let route, let parameters):
        for (name, value) in parameters where value.isEmpty || !route.pattern.contains("{\(name)}") {
            violated("parameter \(name)='\(value)' for \(route.pattern)", input)
        }
        for setupComplete in [false, true] {
            let gate = AuthGate(verifiers: [HTTPFuzzFixtures.token], setup: SetupFlag(complete: setupComplete))
            let principal = try? gate.authorize(route.access, method: method, headers: headers, queryToken: headers["X-Query-Token"])
            if route.access == .admin, let principal, principal != .applianceToken {
                violated("admin route let \(principal) in", input)
            }
        }
        do {
            _ = try WebSocketHandshake.validate(headers)
            return
        } catch let refused {
            error = refused
        }
    case .methodNotAllowed(let allowed):
        guard !allowed.isEmpty, allowed.contains("OPTIONS") else { violated("405 without OPTIONS", input) }
        error = HTTPError.methodNotAllowed(allowed: allowed)
    case .notFound:
        error = HTTPError.notFound("No route for \(method) \(path)")
    }
    // The one error shape: always JSON that parses, whatever the client sent.
    let response = ErrorResponder.response(for: error, requestID: id)
    guard (try? JSON.decode(response.body)) != nil else { violated("error answer is not JSON", input) }
}

enum HTTPFuzzFixtures {
    static let token = ApplianceTokenVerifier(token: "fuzz-appliance-token")
    static let ids = RequestIDs()
    /// The shapes of the daemon's route table: literals, parameters, trailing slashes, every access.
    static let router: Router = {
        let doc = RouteDoc("fuzz", tag: "fuzz")
        let handler = Handler.immediate { _ in Response.empty(status: 204) }
        let table: [(String, String, Access)] = [
            ("GET", "/", .public), ("GET", "/setup", .public), ("GET", "/metrics", .public),
            ("GET", "/api/health", .public), ("GET", "/api/v1/health", .public), ("GET", "/api/v1/health/", .public),
            ("GET", "/api/v1/health/ping", .public), ("GET", "/api/v1/health/version", .public),
            ("POST", "/api/setup/set-token", .setup), ("POST", "/api/setup/complete", .setup),
            ("GET", "/api/setup/token-info", .setup), ("GET", "/api/jobs", .authenticated),
            ("GET", "/api/jobs/{id}", .authenticated), ("DELETE", "/api/jobs/{id}", .admin),
            ("GET", "/api/jobs/{id}/items", .authenticated), ("POST", "/api/jobs/{id}/cancel", .admin),
            ("GET", "/api/schedules", .authenticated), ("PUT", "/api/schedules/{id}", .admin),
            ("DELETE", "/api/schedules/{id}", .admin), ("POST", "/api/schedules/{id}/run", .admin),
            ("GET", "/api/v1/jobs", .authenticated), ("GET", "/api/v1/jobs/", .authenticated),
            ("GET", "/api/v1/jobs/{job_id}", .authenticated), ("DELETE", "/api/v1/jobs/{job_id}", .admin),
            ("GET", "/api/v1/settings/", .authenticated), ("GET", "/api/v1/settings/server", .authenticated),
            ("GET", "/api/v1/settings/server/{key}", .authenticated), ("GET", "/api/v1/settings/{key}", .authenticated),
            ("POST", "/api/settings", .admin), ("PATCH", "/api/settings", .admin),
            ("POST", "/api/v1/services/{name}/restart", .admin), ("GET", "/api/ws", .authenticated),
        ]
        return Router(table.map { Route($0.0, $0.1, access: $0.2, doc: doc, handler: handler) })
    }()
}
