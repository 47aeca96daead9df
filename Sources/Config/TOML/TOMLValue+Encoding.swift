public import Core

extension TOMLValue {
    /// The value written as TOML (strings as basic strings with escapes, tables as inline tables).
    public var tomlText: String {
        switch self {
        case .string(let s): return TOMLValue.quoted(s)
        case .integer(let i): return String(i)
        case .float(let d): return TOMLValue.floatText(d)
        case .bool(let b): return b ? "true" : "false"
        case .offsetDateTime(let s), .localDateTime(let s), .localDate(let s), .localTime(let s): return s
        case .array(let items): return "[" + items.map(\.tomlText).joined(separator: ", ") + "]"
        case .table(let members):
            if members.isEmpty { return "{}" }
            let parts = members.keys.sorted().map { TOMLValue.keyText($0) + " = " + (members[$0]?.tomlText ?? "") }
            return "{ " + parts.joined(separator: ", ") + " }"
        }
    }

    static func floatText(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        let text = "\(d)"
        return text.contains(".") || text.contains("e") ? text : text + ".0"
    }

    /// A basic string with every character TOML cannot hold raw escaped.
    public static func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let digits = String(scalar.value, radix: 16, uppercase: true)
                    out += "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// A key as written in TOML: bare when it can be, quoted otherwise.
    public static func keyText(_ key: String) -> String {
        !key.isEmpty && key.utf8.allSatisfy(TOMLParser.isBareKeyByte) ? key : quoted(key)
    }

    /// The tagged JSON of the toml-test suites: leaves as `{"type": …, "value": "…"}`.
    public var taggedJSON: JSON {
        switch self {
        case .string(let s): return ["type": "string", "value": .string(s)]
        case .integer(let i): return ["type": "integer", "value": .string(String(i))]
        case .float(let d): return ["type": "float", "value": .string(TOMLValue.floatText(d))]
        case .bool(let b): return ["type": "bool", "value": .string(b ? "true" : "false")]
        case .offsetDateTime(let s), .localDateTime(let s), .localDate(let s), .localTime(let s):
            return ["type": .string(typeName), "value": .string(s)]
        case .array(let items): return .array(items.map(\.taggedJSON))
        case .table(let members): return .object(members.mapValues(\.taggedJSON))
        }
    }

    /// Plain JSON (API bodies): numbers as numbers, date-times as strings, non-finite floats as strings.
    public var plainJSON: JSON {
        switch self {
        case .string(let s): return .string(s)
        case .integer(let i): return .int(i)
        case .float(let d): return d.isFinite ? .double(d) : .string(TOMLValue.floatText(d))
        case .bool(let b): return .bool(b)
        case .offsetDateTime(let s), .localDateTime(let s), .localDate(let s), .localTime(let s): return .string(s)
        case .array(let items): return .array(items.map(\.plainJSON))
        case .table(let members): return .object(members.mapValues(\.plainJSON))
        }
    }
}
