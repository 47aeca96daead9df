/// One SQLite value as bound to a statement or read from a row.
public enum SQLValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])

    public init(_ value: String?) { self = value.map(SQLValue.text) ?? .null }
    public init(_ value: Int?) { self = value.map { .integer(Int64($0)) } ?? .null }
    public init(_ value: Int64?) { self = value.map(SQLValue.integer) ?? .null }
    public init(_ value: Double?) { self = value.map(SQLValue.real) ?? .null }
    public init(_ value: Bool?) { self = value.map { .integer($0 ? 1 : 0) } ?? .null }

    public var isNull: Bool { self == .null }

    public var int64Value: Int64? {
        switch self {
        case .integer(let i): i
        case .real(let d) where d.rounded() == d && abs(d) < 9.0e18: Int64(d)
        default: nil
        }
    }

    public var intValue: Int? { int64Value.map { Int($0) } }

    public var doubleValue: Double? {
        switch self {
        case .integer(let i): Double(i)
        case .real(let d): d
        default: nil
        }
    }

    public var stringValue: String? {
        switch self {
        case .text(let s): s
        case .blob(let b): String(decoding: b, as: UTF8.self)
        default: nil
        }
    }

    public var boolValue: Bool? { int64Value.map { $0 != 0 } }
}

extension SQLValue: ExpressibleByNilLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
    ExpressibleByStringLiteral, ExpressibleByBooleanLiteral
{
    public init(nilLiteral: ()) { self = .null }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .real(value) }
    public init(stringLiteral value: String) { self = .text(value) }
    public init(booleanLiteral value: Bool) { self = .integer(value ? 1 : 0) }
}

/// One result row: the column names of its statement and its values, read by position or by name.
public struct Row: Sendable, Equatable {
    public let columns: [String]
    public let values: [SQLValue]

    public subscript(index: Int) -> SQLValue { values.indices.contains(index) ? values[index] : .null }

    /// The value of the named column, `.null` when the statement has no such column.
    public subscript(name: String) -> SQLValue {
        guard let index = columns.firstIndex(of: name) else { return .null }
        return values[index]
    }

    public func string(_ name: String) -> String? { self[name].stringValue }
    public func int(_ name: String) -> Int? { self[name].intValue }
    public func int64(_ name: String) -> Int64? { self[name].int64Value }
    public func double(_ name: String) -> Double? { self[name].doubleValue }
    public func bool(_ name: String) -> Bool? { self[name].boolValue }
}
