import Core

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
        mapped(plexPath) ?? plexPath
    }

    /// The local path for `plexPath` when a rule covers it, else nil (for callers that must tell an
    /// unmapped path apart, such as webhooks with `webhooks.path_mappings`).
    public func mapped(_ plexPath: String) -> String? {
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
        return nil
    }

    /// The same rules the other way round (local prefix → Plex prefix), to turn a local path into the
    /// path Plex reports. Rules with a POSIX local prefix only, as `mapped` compares path kinds.
    public var inverted: PathMapping {
        PathMapping(rules.map { Rule(plexPrefix: $0.localPrefix, localPrefix: $0.plexPrefix) })
    }

    /// Rules from `from=to` lines (`webhooks.path_mappings`: an app's prefix, then the local one); a
    /// line without `=` or with an empty side is left out.
    public static func parse(_ lines: [String]) -> PathMapping {
        PathMapping(
            lines.compactMap { line in
                guard let equals = line.firstIndex(of: "=") else { return nil }
                let from = String(line[..<equals]).trimmingWhitespace()
                let to = String(line[line.index(after: equals)...]).trimmingWhitespace()
                guard !from.isEmpty, !to.isEmpty else { return nil }
                return Rule(plexPrefix: from, localPrefix: to)
            })
    }

    static func isAbsolutePOSIX(_ path: String) -> Bool { path.hasPrefix("/") }

    /// Path segments split on `/` and `\`, without empty ones (so `/a//b/` is `a`, `b`).
    private static func segments(_ path: String) -> [Substring] {
        path.split(whereSeparator: { $0 == "/" || $0 == "\\" })
    }
}

