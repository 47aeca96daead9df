/// The route table: finds the route for a method and path, or says why none fits (404, or 405 with `Allow`).
public struct Router: Sendable {
    public let routes: [Route]
    private let compiled: [(segments: [Segment], route: Route)]

    private enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    public enum Match: Sendable {
        case found(Route, parameters: [String: String])
        case methodNotAllowed(allowed: [String])
        case notFound
    }

    /// Precondition: no two routes share a method and pattern (a programmer error).
    public init(_ routes: [Route]) {
        var seen = Set<String>()
        for route in routes {
            precondition(seen.insert("\(route.method) \(route.pattern)").inserted, "duplicate route \(route.method) \(route.pattern)")
        }
        self.routes = routes
        self.compiled = routes.map { route in
            let segments = Router.split(route.pattern).map { part -> Segment in
                if part.hasPrefix("{") && part.hasSuffix("}") { return .parameter(String(part.dropFirst().dropLast())) }
                return .literal(String(part))
            }
            return (segments, route)
        }
    }

    /// Splits a path on `/`; a trailing slash counts as a segment of its own only where a pattern has one.
    static func split(_ path: String) -> [Substring] {
        var parts = path.split(separator: "/", omittingEmptySubsequences: true)
        if path.count > 1 && path.hasSuffix("/") { parts.append("") }
        return parts
    }

    /// HEAD is served by the GET route; literal segments win over parameters.
    public func match(method: String, path: String) -> Match {
        let parts = Router.split(path)
        var best: (score: Int, route: Route, parameters: [String: String])?
        var allowed = Set<String>()
        for (segments, route) in compiled where segments.count == parts.count {
            var parameters: [String: String] = [:]
            var score = 0
            var matched = true
            for (segment, part) in zip(segments, parts) {
                switch segment {
                case .literal(let literal):
                    if literal != part { matched = false }
                    score += 2
                case .parameter(let name):
                    if part.isEmpty { matched = false }
                    parameters[name] = String(part)
                    score += 1
                }
                if !matched { break }
            }
            guard matched else { continue }
            allowed.insert(route.method)
            if route.method == "GET" { allowed.insert("HEAD") }
            let wanted = method == "HEAD" ? "GET" : method
            if route.method == wanted, score > (best?.score ?? -1) {
                best = (score, route, parameters)
            }
        }
        if let best { return .found(best.route, parameters: best.parameters) }
        if allowed.isEmpty { return .notFound }
        allowed.insert("OPTIONS")
        return .methodNotAllowed(allowed: allowed.sorted())
    }
}
