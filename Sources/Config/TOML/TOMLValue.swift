/// A TOML value as the parser produces it. Date-times keep their text (normalised to `T` and `Z`),
/// so that a value written back is the value that was read.
public enum TOMLValue: Sendable, Equatable {
    case string(String)
    case integer(Int64)
    case float(Double)
    case bool(Bool)
    /// `1979-05-27T07:32:00Z` or with an offset.
    case offsetDateTime(String)
    case localDateTime(String)
    case localDate(String)
    case localTime(String)
    case array([TOMLValue])
    case table([String: TOMLValue])

    public static func == (lhs: TOMLValue, rhs: TOMLValue) -> Bool {
        switch (lhs, rhs) {
        case (.string(let a), .string(let b)): return a == b
        case (.integer(let a), .integer(let b)): return a == b
        case (.float(let a), .float(let b)): return a == b || (a.isNaN && b.isNaN)
        case (.bool(let a), .bool(let b)): return a == b
        case (.offsetDateTime(let a), .offsetDateTime(let b)), (.localDateTime(let a), .localDateTime(let b)),
            (.localDate(let a), .localDate(let b)), (.localTime(let a), .localTime(let b)):
            return a == b
        case (.array(let a), .array(let b)): return a == b
        case (.table(let a), .table(let b)): return a == b
        default: return false
        }
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var integerValue: Int64? {
        if case .integer(let i) = self { return i }
        return nil
    }

    public var floatValue: Double? {
        switch self {
        case .float(let d): return d
        case .integer(let i): return Double(i)
        default: return nil
        }
    }

    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    public var arrayValue: [TOMLValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    public var tableValue: [String: TOMLValue]? {
        if case .table(let t) = self { return t }
        return nil
    }

    /// The value at a key path inside this table, or nil.
    public func value(at path: [String]) -> TOMLValue? {
        var current = self
        for key in path {
            guard case .table(let members) = current, let next = members[key] else { return nil }
            current = next
        }
        return current
    }

    /// The TOML type name, as the toml-test tagged JSON spells it.
    public var typeName: String {
        switch self {
        case .string: return "string"
        case .integer: return "integer"
        case .float: return "float"
        case .bool: return "bool"
        case .offsetDateTime: return "datetime"
        case .localDateTime: return "datetime-local"
        case .localDate: return "date-local"
        case .localTime: return "time-local"
        case .array: return "array"
        case .table: return "table"
        }
    }
}

/// A syntax or semantic error in a TOML document, at a 1-based line and column.
public struct TOMLError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public let line: Int
    public let column: Int
    public let message: String

    public init(file: String, line: Int, column: Int, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// `file:line:column: message`, the form editors and compilers use.
    public var description: String { "\(file):\(line):\(column): \(message)" }
}

extension TOMLValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByFloatLiteral, ExpressibleByArrayLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(floatLiteral value: Double) { self = .float(value) }
    public init(arrayLiteral elements: TOMLValue...) { self = .array(elements) }
}
