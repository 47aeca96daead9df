public import Core

/// The type of a setting, with its range or allowed values.
public enum SettingType: Sendable, Equatable {
    case string
    /// Empty, or an `http://` / `https://` URL.
    case url
    /// Empty, or an absolute path.
    case path
    case integer(ClosedRange<Int64>)
    case float(ClosedRange<Double>)
    case bool
    case stringList
    case choice([String])

    /// The longest string of this type, unless the setting says otherwise: a URL 2 KiB, a path 4 KiB (PATH_MAX),
    /// free text 4 KiB, a list item 256 bytes (names and ids).
    var defaultMaxBytes: Int {
        switch self {
        case .url: return 2048
        case .path, .string: return 4096
        case .stringList: return 256
        case .choice(let values): return values.map(\.utf8.count).max() ?? 0
        case .integer, .float, .bool: return 0
        }
    }

    /// What a valid value looks like, for error messages and `docs/config.md`.
    public var expectation: String {
        switch self {
        case .string: return "a string"
        case .url: return "an http:// or https:// URL (or empty)"
        case .path: return "an absolute path (or empty)"
        case .integer(let range): return "an integer in \(range.lowerBound)...\(range.upperBound)"
        case .float(let range): return "a number in \(range.lowerBound)...\(range.upperBound)"
        case .bool: return "true or false"
        case .stringList: return "an array of strings"
        case .choice(let values): return "one of " + values.map { "\"\($0)\"" }.joined(separator: ", ")
        }
    }
}

/// One setting: where it lives (`[table] name`), its type, default, one-line description and flags.
public struct SettingSpec: Sendable {
    /// `workers`, `integrations.sonarr`, …
    public let table: String
    public let name: String
    public let type: SettingType
    public let defaultValue: TOMLValue
    public let summary: String
    /// Stored in `secrets.toml` and masked in every response.
    public let secret: Bool
    /// A change takes effect only after `applianced` restarts.
    public let requiresRestart: Bool
    /// Other names the API accepts: 000's flat names (`gpu_threads`), 004's (`stash_url`, `stash.url`).
    public let aliases: [String]
    /// The longest string value (for a list: the longest item), in UTF-8 bytes; every string setting has one, so that
    /// no write can grow a file past what the loader reads.
    public let maxBytes: Int
    /// The schemes a `.url` setting accepts (`http`, `https` unless the setting says otherwise, e.g. `smtp`, `smtps`).
    public let urlSchemes: [String]

    /// The most items a list setting holds.
    public static let maximumListItems = 256

    public init(
        _ table: String, _ name: String, _ type: SettingType, _ defaultValue: TOMLValue, _ summary: String,
        secret: Bool = false, restart: Bool = false, aliases: [String] = [], maxBytes: Int? = nil,
        urlSchemes: [String] = ["http", "https"]
    ) {
        precondition(!urlSchemes.isEmpty, "a URL setting needs a scheme")
        self.table = table
        self.name = name
        self.type = type
        self.defaultValue = defaultValue
        self.summary = summary
        self.secret = secret
        self.requiresRestart = restart
        self.aliases = aliases
        self.maxBytes = maxBytes ?? type.defaultMaxBytes
        self.urlSchemes = urlSchemes
    }

    /// What a valid value looks like, with the length limit of a string setting.
    public var expectation: String {
        switch type {
        case .string, .url, .path: return typeExpectation + " of at most \(maxBytes) bytes"
        case .stringList: return typeExpectation + " (at most \(Self.maximumListItems), each at most \(maxBytes) bytes)"
        default: return typeExpectation
        }
    }

    /// The type's expectation, naming this setting's URL schemes (`an smtp:// or smtps:// URL (or empty)`).
    public var typeExpectation: String {
        guard case .url = type, urlSchemes != ["http", "https"] else { return type.expectation }
        let names = urlSchemes.map { $0 + "://" }
        let list = names.count == 1 ? names[0] : names.dropLast().joined(separator: ", ") + " or " + (names.last ?? "")
        // Schemes are read letter by letter: "an http://", "an smtp://".
        let article = "aefhilmnorsx".contains(list.first ?? "x") ? "an" : "a"
        return "\(article) \(list) URL (or empty)"
    }

    /// The full dotted key, `workers.gpu_threads`.
    public var key: String { table + "." + name }

    public var path: [String] { table.split(separator: ".").map(String.init) + [name] }

    /// `APPLIANCED_WORKERS_GPU_THREADS`, `APPLIANCED_INTEGRATIONS_SONARR_API_KEY`.
    public var environmentName: String {
        "APPLIANCED_" + (table.replacingDots() + "_" + name).uppercased()
    }

    /// Nil when `value` fits the type and range; otherwise what is wrong, naming the key and the range.
    public func problem(with value: TOMLValue) -> String? {
        let wrong = "'\(key)' must be \(typeExpectation)"
        if case .string(let s) = value, [.string, .url, .path].contains(type), s.utf8.count > maxBytes {
            return "'\(key)' must be at most \(maxBytes) bytes long, not \(s.utf8.count)"
        }
        if case .array(let items) = value, case .stringList = type {
            if items.count > Self.maximumListItems {
                return "'\(key)' must have at most \(Self.maximumListItems) items, not \(items.count)"
            }
            if let long = items.first(where: { ($0.stringValue?.utf8.count ?? 0) > maxBytes }), let text = long.stringValue {
                return "'\(key)': each item must be at most \(maxBytes) bytes long, not \(text.utf8.count)"
            }
        }
        switch (type, value) {
        case (.string, .string): return nil
        case (.url, .string(let s)):
            return s.isEmpty || urlSchemes.contains(where: { s.hasPrefix($0 + "://") }) ? nil : wrong
        case (.path, .string(let s)): return s.isEmpty || s.hasPrefix("/") ? nil : wrong
        case (.integer(let range), .integer(let i)): return range.contains(i) ? nil : wrong + ", not \(i)"
        case (.float(let range), .float(let d)): return range.contains(d) ? nil : wrong + ", not \(d)"
        case (.float(let range), .integer(let i)): return range.contains(Double(i)) ? nil : wrong + ", not \(i)"
        case (.bool, .bool): return nil
        case (.stringList, .array(let items)): return items.allSatisfy { $0.stringValue != nil } ? nil : wrong
        case (.choice(let allowed), .string(let s)): return allowed.contains(s) ? nil : wrong + ", not \"\(s)\""
        default: return wrong + " (found \(value.typeName))"
        }
    }

    /// The value of a JSON body member (API), or nil when the JSON type does not fit.
    public func value(fromJSON json: JSON) -> TOMLValue? {
        switch (type, json) {
        case (.string, .string(let s)), (.url, .string(let s)), (.path, .string(let s)), (.choice, .string(let s)):
            return .string(s)
        case (.integer, .int(let i)): return .integer(i)
        case (.integer, .double(let d)) where d.rounded() == d && abs(d) < 9.0e15: return .integer(Int64(d))
        case (.float, .int(let i)): return .float(Double(i))
        case (.float, .double(let d)): return .float(d)
        case (.bool, .bool(let b)): return .bool(b)
        case (.stringList, .array(let items)):
            let strings = items.compactMap(\.stringValue)
            return strings.count == items.count ? .array(strings.map(TOMLValue.string)) : nil
        case (.stringList, .string(let s)): return .array(SettingSpec.list(s).map(TOMLValue.string))
        default: return nil
        }
    }

    /// The value of a text (environment variable, command line), or nil when it does not parse as the type.
    public func value(fromText text: String) -> TOMLValue? {
        switch type {
        case .string, .url, .path, .choice: return .string(text)
        case .integer: return Int64(text.trimmingSpaces()).map(TOMLValue.integer)
        case .float: return Double(text.trimmingSpaces()).map(TOMLValue.float)
        case .bool:
            switch text.trimmingSpaces().lowercased() {
            case "true", "1", "yes", "on": return .bool(true)
            case "false", "0", "no", "off": return .bool(false)
            default: return nil
            }
        case .stringList:
            if text.hasPrefix("["), let document = try? TOMLDocument.parse("v = " + text), let value = document.root["v"],
                problem(with: value) == nil
            {
                return value
            }
            return .array(SettingSpec.list(text).map(TOMLValue.string))
        }
    }

    static func list(_ text: String) -> [String] {
        text.split(separator: ",").map { String($0).trimmingSpaces() }.filter { !$0.isEmpty }
    }
}

extension String {
    func replacingDots() -> String { String(map { $0 == "." ? "_" : $0 }) }

    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\t" { s = s.dropFirst() }
        while let c = s.last, c == " " || c == "\t" { s = s.dropLast() }
        return String(s)
    }
}
