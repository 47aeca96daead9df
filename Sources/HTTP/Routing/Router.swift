/// The route table: finds the route for a method and path, or says why none fits (404, or 405 with `Allow`).
/// Paths without parameters are one dictionary lookup; the rest walk a trie of segments, literal
/// children before the parameter child, so a literal segment wins over a parameter at the same place.
public struct Router: Sendable {
    public let routes: [Route]
    /// Path → method → index into `routes`, for every pattern without parameters (most requests).
    private let exact: [String: [String: Int]]
    private let root: Node
    /// The parameter names of each route, in the order of its `{…}` segments.
    private let parameterNames: [[String]]

    /// One segment position in the trie.
    private final class Node: Sendable {
        let literals: [String: Node]
        let parameter: Node?
        /// Method → route index, for patterns that end here.
        let methods: [String: Int]

        init(literals: [String: Node], parameter: Node?, methods: [String: Int]) {
            self.literals = literals
            self.parameter = parameter
            self.methods = methods
        }
    }

    /// A node under construction.
    private final class Builder {
        var literals: [String: Builder] = [:]
        var parameter: Builder?
        var methods: [String: Int] = [:]

        func build() -> Node {
            Node(literals: literals.mapValues { $0.build() }, parameter: parameter?.build(), methods: methods)
        }
    }

    public enum Match: Sendable {
        case found(Entry, parameters: [String: String])
        case methodNotAllowed(allowed: [String])
        case notFound
    }

    /// A route of the table as a match hands it out: one reference, where the `Route` value (its
    /// documentation, schemas and closures) would be copied into every request and released with it.
    public final class Entry: Sendable {
        public let route: Route
        public var handler: Handler { route.handler }
        public var access: Access { route.access }
        public var accepts: [String] { route.accepts }
        public var rateLimit: RateLimitRule? { route.rateLimit }
        public var method: String { route.method }
        public var pattern: String { route.pattern }

        init(_ route: Route) {
            self.route = route
        }
    }
    private let entries: [Entry]

    /// Precondition: no two routes share a method and pattern (a programmer error).
    public init(_ routes: [Route]) {
        var seen = Set<String>()
        var exact: [String: [String: Int]] = [:]
        var names: [[String]] = []
        let root = Builder()
        for (index, route) in routes.enumerated() {
            precondition(seen.insert("\(route.method) \(route.pattern)").inserted, "duplicate route \(route.method) \(route.pattern)")
            var node = root
            var parameters: [String] = []
            for part in Router.split(route.pattern) {
                if part.hasPrefix("{") && part.hasSuffix("}") {
                    parameters.append(String(part.dropFirst().dropLast()))
                    if node.parameter == nil { node.parameter = Builder() }
                    node = node.parameter!
                } else {
                    let next = node.literals[String(part)] ?? Builder()
                    node.literals[String(part)] = next
                    node = next
                }
            }
            node.methods[route.method] = index
            names.append(parameters)
            if parameters.isEmpty { exact[route.pattern, default: [:]][route.method] = index }
        }
        self.routes = routes
        self.entries = routes.map(Entry.init)
        self.exact = exact
        self.parameterNames = names
        self.root = root.build()
    }

    /// Splits a path on `/`; a trailing slash counts as a segment of its own only where a pattern has one.
    /// On bytes: `String.split` compares Characters (grapheme breaking), about 13,000 instructions a path,
    /// paid by every request to a route with a parameter.
    static func split(_ path: String) -> [Substring] {
        let bytes = path.utf8
        let slash = UInt8(ascii: "/")
        var parts: [Substring] = []
        var start = bytes.startIndex
        var index = start
        while index != bytes.endIndex {
            if bytes[index] == slash {
                if index != start { parts.append(path[start..<index]) }
                start = bytes.index(after: index)
            }
            index = bytes.index(after: index)
        }
        if start != bytes.endIndex {
            parts.append(path[start...])
        } else if bytes.count > 1 && bytes.last == slash {
            parts.append("")
        }
        return parts
    }

    /// HEAD is served by the GET route; literal segments win over parameters.
    public func match(method: String, path: String) -> Match {
        let wanted = method == "HEAD" ? "GET" : method
        if let index = exact[path]?[wanted] { return .found(entries[index], parameters: [:]) }
        let parts = Router.split(path)
        var values: [Substring] = []
        if let index = Router.find(wanted, parts, 0, root, &values) {
            var parameters: [String: String] = [:]
            for (name, value) in zip(parameterNames[index], values) { parameters[name] = String(value) }
            return .found(entries[index], parameters: parameters)
        }
        // No route for this method: the path may exist with others (405 with `Allow`), or not at all (404).
        var allowed = Set<String>()
        Router.collectMethods(parts, 0, root, &allowed)
        if allowed.isEmpty { return .notFound }
        if allowed.contains("GET") { allowed.insert("HEAD") }
        allowed.insert("OPTIONS")
        return .methodNotAllowed(allowed: allowed.sorted())
    }

    /// The first route for `method` under `node`, literal children first; `values` holds the parameter
    /// segments along the way.
    private static func find(_ method: String, _ parts: [Substring], _ depth: Int, _ node: Node, _ values: inout [Substring]) -> Int? {
        if depth == parts.count { return node.methods[method] }
        let part = parts[depth]
        if let literal = node.literals[String(part)], let found = find(method, parts, depth + 1, literal, &values) { return found }
        if let parameter = node.parameter, !part.isEmpty {
            values.append(part)
            if let found = find(method, parts, depth + 1, parameter, &values) { return found }
            values.removeLast()
        }
        return nil
    }

    private static func collectMethods(_ parts: [Substring], _ depth: Int, _ node: Node, _ methods: inout Set<String>) {
        if depth == parts.count {
            methods.formUnion(node.methods.keys)
            return
        }
        let part = parts[depth]
        if let literal = node.literals[String(part)] { collectMethods(parts, depth + 1, literal, &methods) }
        if let parameter = node.parameter, !part.isEmpty { collectMethods(parts, depth + 1, parameter, &methods) }
    }
}
