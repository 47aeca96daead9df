/// Every setting the daemon knows, in the order the shipped file and `docs/config.md` list them.
public struct SettingsSchema: Sendable {
    public let specs: [SettingSpec]
    private let byName: [String: Int]

    public init(_ specs: [SettingSpec]) {
        self.specs = specs
        var names: [String: Int] = [:]
        for (index, spec) in specs.enumerated() {
            precondition(names[spec.key] == nil, "duplicate setting \(spec.key)")
            names[spec.key] = index
            for alias in spec.aliases {
                precondition(names[alias] == nil, "duplicate setting alias \(alias)")
                names[alias] = index
            }
        }
        byName = names
    }

    /// The setting with this full key (`workers.gpu_threads`) or alias (`gpu_threads`, `stash_url`).
    public func spec(named name: String) -> SettingSpec? {
        byName[name].map { specs[$0] }
    }

    /// The setting at a key path in a file, or nil.
    public func spec(at path: [String]) -> SettingSpec? {
        spec(named: path.joined(separator: "."))
    }

    /// Tables that hold settings (`plex`, `integrations.sonarr`) and their parents (`integrations`).
    public var tableNames: Set<String> {
        var names = Set<String>()
        for spec in specs {
            var prefix: [Substring] = []
            for part in spec.table.split(separator: ".") {
                prefix.append(part)
                names.insert(prefix.joined(separator: "."))
            }
        }
        return names
    }

    /// The setting an environment variable sets: `WEB_AUTH_TOKEN` or `APPLIANCED_<TABLE>_<KEY>`.
    public func spec(forEnvironment name: String) -> SettingSpec? {
        if name == "WEB_AUTH_TOKEN" { return spec(named: "auth.token") }
        return specs.first { $0.environmentName == name }
    }

    /// The tables in first-appearance order.
    public var tablesInOrder: [String] {
        var seen = Set<String>()
        return specs.compactMap { seen.insert($0.table).inserted ? $0.table : nil }
    }
}
