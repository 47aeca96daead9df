/// Maps paths as Plex reports them to paths on this box, by whole path segments; the first rule
/// whose Plex prefix matches wins, and a path no rule matches is used as it is.
public struct PathMapping: Sendable, Equatable {
    /// One row: a folder as Plex sees it and the same folder here.
    public struct Rule: Sendable, Equatable {
        public let plexPrefix: String
        public let localPrefix: String

        public init(plexPrefix: String, localPrefix: String) {
            self.plexPrefix = plexPrefix
            self.localPrefix = localPrefix
        }
    }

    public let rules: [Rule]

    public init(_ rules: [Rule]) { self.rules = rules }

    /// The local path for `plexPath`: the first matching rule's local prefix plus the remaining segments.
    public func localPath(for plexPath: String) -> String {
        let segments = Self.segments(plexPath)
        for rule in rules {
            let prefix = Self.segments(rule.plexPrefix)
            guard !prefix.isEmpty, segments.count >= prefix.count, Array(segments[0..<prefix.count]) == prefix else { continue }
            // A Windows prefix ("F:\Media") must match a Windows path, a POSIX one a POSIX path.
            guard Self.isAbsolutePOSIX(rule.plexPrefix) == Self.isAbsolutePOSIX(plexPath) else { continue }
            var local = rule.localPrefix
            while local.count > 1 && local.hasSuffix("/") { local.removeLast() }
            let rest = segments[prefix.count...]
            if rest.isEmpty { return local }
            return (local == "/" ? "" : local) + "/" + rest.joined(separator: "/")
        }
        return plexPath
    }

    private static func isAbsolutePOSIX(_ path: String) -> Bool { path.hasPrefix("/") }

    /// Path segments split on `/` and `\`, without empty ones (so `/a//b/` is `a`, `b`).
    private static func segments(_ path: String) -> [Substring] {
        path.split(whereSeparator: { $0 == "/" || $0 == "\\" })
    }
}
