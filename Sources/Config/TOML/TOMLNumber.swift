/// TOML integers (decimal, `0x`, `0o`, `0b`) and floats, with the underscore and leading-zero rules.
enum TOMLNumber {
    struct Failure: Error {
        let message: String
    }

    static func parse(_ token: [UInt8]) throws(Failure) -> TOMLValue {
        if token.count > 2, token[0] == UInt8(ascii: "0") {
            switch token[1] {
            case UInt8(ascii: "x"): return try radixInteger(token[2...], radix: 16)
            case UInt8(ascii: "o"): return try radixInteger(token[2...], radix: 8)
            case UInt8(ascii: "b"): return try radixInteger(token[2...], radix: 2)
            default: break
            }
        }
        var body = token[...]
        var sign = ""
        if let first = body.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            sign = first == UInt8(ascii: "-") ? "-" : ""
            body = body.dropFirst()
            if body.starts(with: Array("0x".utf8)) || body.starts(with: Array("0o".utf8)) || body.starts(with: Array("0b".utf8)) {
                throw Failure(message: "a sign is not allowed on a hexadecimal, octal or binary integer")
            }
        }
        let exponentIndex = body.firstIndex { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }
        let mantissa = exponentIndex.map { body[..<$0] } ?? body
        let dotIndex = mantissa.firstIndex(of: UInt8(ascii: "."))
        let integerPart = dotIndex.map { mantissa[..<$0] } ?? mantissa
        let integerDigits = try digits(integerPart, radix: 10, what: "number")
        if integerDigits.count > 1 && integerDigits.first == UInt8(ascii: "0") { throw Failure(message: "leading zeros are not allowed in") }
        var text = sign + String(decoding: integerDigits, as: UTF8.self)
        if dotIndex == nil && exponentIndex == nil {
            guard let value = Int64(text) else { throw Failure(message: "integer out of range (64-bit signed)") }
            return .integer(value)
        }
        if let dotIndex {
            let fraction = try digits(mantissa[(dotIndex + 1)...], radix: 10, what: "fraction")
            text += "." + String(decoding: fraction, as: UTF8.self)
        }
        if let exponentIndex {
            var exponent = body[(exponentIndex + 1)...]
            var exponentSign = ""
            if let first = exponent.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
                exponentSign = first == UInt8(ascii: "-") ? "-" : "+"
                exponent = exponent.dropFirst()
            }
            text += "e" + exponentSign + String(decoding: try digits(exponent, radix: 10, what: "exponent"), as: UTF8.self)
        }
        guard let value = Double(text) else { throw Failure(message: "invalid float") }
        guard value.isFinite else { throw Failure(message: "float out of range") }
        return .float(value)
    }

    static func radixInteger(_ body: ArraySlice<UInt8>, radix: Int) throws(Failure) -> TOMLValue {
        let clean = try digits(body, radix: radix, what: "integer")
        guard let value = UInt64(String(decoding: clean, as: UTF8.self), radix: radix), value <= UInt64(Int64.max) else {
            throw Failure(message: "integer out of range (64-bit signed)")
        }
        return .integer(Int64(value))
    }

    /// The digits without underscores; each underscore must sit between two digits.
    static func digits(_ part: ArraySlice<UInt8>, radix: Int, what: String) throws(Failure) -> [UInt8] {
        guard !part.isEmpty else { throw Failure(message: "missing digits in \(what)") }
        var out: [UInt8] = []
        var previousWasDigit = false
        for c in part {
            if c == UInt8(ascii: "_") {
                guard previousWasDigit else { throw Failure(message: "an underscore must sit between digits in") }
                previousWasDigit = false
                continue
            }
            guard isDigit(c, radix: radix) else { throw Failure(message: "invalid \(what)") }
            out.append(c)
            previousWasDigit = true
        }
        guard previousWasDigit else { throw Failure(message: "an underscore must sit between digits in") }
        return out
    }

    static func isDigit(_ c: UInt8, radix: Int) -> Bool {
        switch radix {
        case 2: return c == 0x30 || c == 0x31
        case 8: return c >= 0x30 && c <= 0x37
        case 16: return TOMLParser.isHexDigit(c)
        default: return c >= 0x30 && c <= 0x39
        }
    }
}
