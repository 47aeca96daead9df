/// Every setting the daemon knows, in the order the shipped file and `docs/config.md` list them.
public struct SettingsSchema: Sendable {
    public let specs: [SettingSpec]
    private let byName: [String: Int]
    /// `APPLIANCED_<TABLE>_<KEY>` to the setting: built once, since the loader looks up every variable
    /// of the environment at each load (a scan building each spec's name was a third of start-up's
    /// instructions: about a second of boot under emulation).
    private let byEnvironment: [String: Int]

    public init(_ specs: [SettingSpec]) {
        self.specs = specs
        byEnvironment = Dictionary(specs.enumerated().map { ($1.environmentName, $0) }, uniquingKeysWith: { first, _ in first })
        tableNames = Self.tables(of: specs)
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
    public let tableNames: Set<String>

    private static func tables(of specs: [SettingSpec]) -> Set<String> {
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
        return byEnvironment[name].map { specs[$0] }
    }

    /// The tables in first-appearance order.
    public var tablesInOrder: [String] {
        var seen = Set<String>()
        return specs.compactMap { seen.insert($0.table).inserted ? $0.table : nil }
    }
}
