/// The route table: finds the route for a method and path, or says why none fits (404, or 405 with `Allow`).
public struct Router: Sendable {
    public let routes: [Route]
    /// Method and segments of each route, by index into `routes` (scanned without copying a `Route`).
    private let shapes: [Shape]
    /// "METHOD /path" of every route without parameters → its index: most requests (health checks) are one lookup.
    private let exact: [String: Int]

    private enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    private struct Shape: Sendable {
        let method: String
        let segments: [Segment]
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
        self.shapes = routes.map { route in
            let segments = Router.split(route.pattern).map { part -> Segment in
                if part.hasPrefix("{") && part.hasSuffix("}") { return .parameter(String(part.dropFirst().dropLast())) }
                return .literal(String(part))
            }
            return Shape(method: route.method, segments: segments)
        }
        var exact: [String: Int] = [:]
        for (index, route) in routes.enumerated() where !route.pattern.contains("{") {
            exact["\(route.method) \(route.pattern)"] = index
        }
        self.exact = exact
    }

    /// Splits a path on `/`; a trailing slash counts as a segment of its own only where a pattern has one.
    static func split(_ path: String) -> [Substring] {
        var parts = path.split(separator: "/", omittingEmptySubsequences: true)
        if path.count > 1 && path.hasSuffix("/") { parts.append("") }
        return parts
    }

    /// HEAD is served by the GET route; literal segments win over parameters.
    public func match(method: String, path: String) -> Match {
        let wanted = method == "HEAD" ? "GET" : method
        // A pattern of literals only that equals the path outscores any pattern with parameters.
        if let index = exact["\(wanted) \(path)"] { return .found(routes[index], parameters: [:]) }
        let parts = Router.split(path)
        var best: (score: Int, index: Int, parameters: [String: String])?
        for index in shapes.indices where shapes[index].method == wanted {
            if let (score, parameters) = Router.score(shapes[index].segments, parts), score > (best?.score ?? -1) {
                best = (score, index, parameters)
            }
        }
        if let best { return .found(routes[best.index], parameters: best.parameters) }
        // No route for this method: the path may exist with others (405 with `Allow`), or not at all (404).
        var allowed = Set<String>()
        for index in shapes.indices where Router.score(shapes[index].segments, parts) != nil {
            allowed.insert(shapes[index].method)
            if shapes[index].method == "GET" { allowed.insert("HEAD") }
        }
        if allowed.isEmpty { return .notFound }
        allowed.insert("OPTIONS")
        return .methodNotAllowed(allowed: allowed.sorted())
    }

    /// How well a pattern fits a path (literal segments count double), or nil when it does not fit.
    private static func score(_ segments: [Segment], _ parts: [Substring]) -> (Int, [String: String])? {
        guard segments.count == parts.count else { return nil }
        var parameters: [String: String] = [:]
        var score = 0
        for (segment, part) in zip(segments, parts) {
            switch segment {
            case .literal(let literal):
                guard literal == part else { return nil }
                score += 2
            case .parameter(let name):
                guard !part.isEmpty else { return nil }
                parameters[name] = String(part)
                score += 1
            }
        }
        return (score, parameters)
    }
}
