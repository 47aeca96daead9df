/// Where a setting's value came from, lowest precedence first.
public enum ConfigSource: Sendable, Equatable, CustomStringConvertible {
    case defaultValue
    /// `applianced.toml` or `secrets.toml`: the files the API writes.
    case file(path: String, line: Int, column: Int)
    /// A `conf.d/*.toml` drop-in: the API refuses to change what it sets.
    case dropIn(path: String, line: Int, column: Int)
    /// `WEB_AUTH_TOKEN` or `APPLIANCED_<TABLE>_<KEY>`: the API refuses to change what it sets.
    case environment(name: String)

    /// `default`, `file`, `drop-in`, `environment`.
    public var kind: String {
        switch self {
        case .defaultValue: return "default"
        case .file: return "file"
        case .dropIn: return "drop-in"
        case .environment: return "environment"
        }
    }

    public var description: String {
        switch self {
        case .defaultValue: return "default"
        case .file(let path, let line, let column): return "\(path):\(line):\(column)"
        case .dropIn(let path, let line, let column): return "drop-in \(path):\(line):\(column)"
        case .environment(let name): return "environment variable \(name)"
        }
    }

    /// True when the API may not change the value (a drop-in or the environment overrides the files it writes).
    public var isOverride: Bool {
        switch self {
        case .dropIn, .environment: return true
        case .defaultValue, .file: return false
        }
    }
}

/// One problem with the configuration: a syntax error or a bad value, with its place when it came from a file.
public struct ConfigIssue: Sendable, Equatable, CustomStringConvertible {
    public let file: String?
    public let line: Int?
    public let column: Int?
    /// The setting concerned, when there is one.
    public let key: String?
    public let message: String

    public init(file: String?, line: Int?, column: Int?, key: String?, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.key = key
        self.message = message
    }

    init(_ error: TOMLError) {
        self.init(file: error.file, line: error.line, column: error.column, key: nil, message: error.message)
    }

    /// `file:line:column: message`, or the message alone when it did not come from a file.
    public var description: String { description(fileName: file) }

    /// The same with the file shown as `fileName` (a path relative to the config directory in API answers).
    public func description(fileName: String?) -> String {
        guard let fileName else { return message }
        return "\(fileName):\(line ?? 1):\(column ?? 1): \(message)"
    }
}
