/// The effective settings at one moment: every setting's value and where it came from. Immutable.
public struct ConfigSnapshot: Sendable, Equatable {
    public let schema: SettingsSchema
    /// Full key (`workers.gpu_threads`) to value; every setting of the schema is present.
    public let values: [String: TOMLValue]
    public let sources: [String: ConfigSource]

    public static func == (lhs: ConfigSnapshot, rhs: ConfigSnapshot) -> Bool {
        lhs.values == rhs.values && lhs.sources == rhs.sources
    }

    /// The schema's defaults.
    public init(defaultsOf schema: SettingsSchema) {
        self.schema = schema
        values = Dictionary(uniqueKeysWithValues: schema.specs.map { ($0.key, $0.defaultValue) })
        sources = Dictionary(uniqueKeysWithValues: schema.specs.map { ($0.key, ConfigSource.defaultValue) })
    }

    init(schema: SettingsSchema, values: [String: TOMLValue], sources: [String: ConfigSource]) {
        self.schema = schema
        self.values = values
        self.sources = sources
    }

    /// The value of a setting by full key or alias (nil only for a name the schema does not know).
    public func value(_ name: String) -> TOMLValue? {
        schema.spec(named: name).flatMap { values[$0.key] }
    }

    public func source(_ name: String) -> ConfigSource? {
        schema.spec(named: name).flatMap { sources[$0.key] }
    }

    /// Typed reads; a name the schema does not know is a programmer error.
    public func string(_ name: String) -> String {
        guard let value = value(name)?.stringValue else { preconditionFailure("no string setting \(name)") }
        return value
    }

    public func integer(_ name: String) -> Int {
        guard let value = value(name)?.integerValue else { preconditionFailure("no integer setting \(name)") }
        return Int(value)
    }

    /// A float setting (an integer value, as TOML allows in a float's place, counts too).
    public func number(_ name: String) -> Double {
        guard let number = value(name)?.floatValue else {
            preconditionFailure("no number setting \(name)")
        }
        return number
    }

    public func bool(_ name: String) -> Bool {
        guard let value = value(name)?.boolValue else { preconditionFailure("no bool setting \(name)") }
        return value
    }

    public func strings(_ name: String) -> [String] {
        guard let items = value(name)?.arrayValue else { preconditionFailure("no list setting \(name)") }
        return items.compactMap(\.stringValue)
    }
}
