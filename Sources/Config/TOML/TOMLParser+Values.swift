extension TOMLParser {
    /// One value. `path` is its absolute key path when known, so keys inside inline tables get entries.
    mutating func parseValue(path: [String]?) throws(TOMLError) -> TOMLValue {
        switch peek() {
        case UInt8(ascii: "\""):
            if peek(1) == UInt8(ascii: "\""), peek(2) == UInt8(ascii: "\"") { return .string(try parseMultilineString(literal: false)) }
            return .string(try parseBasicString())
        case UInt8(ascii: "'"):
            if peek(1) == UInt8(ascii: "'"), peek(2) == UInt8(ascii: "'") { return .string(try parseMultilineString(literal: true)) }
            return .string(try parseLiteralString())
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "{"): return try parseInlineTable(path: path)
        case nil, 0x0A, 0x0D, UInt8(ascii: "#"): throw error("expected a value")
        default: return try parseScalar()
        }
    }

    // MARK: Strings

    func isControl(_ c: UInt8) -> Bool {
        (c < 0x20 && c != 0x09) || c == 0x7F
    }

    mutating func parseBasicString() throws(TOMLError) -> String {
        let start = pos
        pos += 1
        var out: [UInt8] = []
        while true {
            guard let c = peek() else { throw error("unterminated string", at: start) }
            switch c {
            case UInt8(ascii: "\""):
                pos += 1
                return String(decoding: out, as: UTF8.self)
            case UInt8(ascii: "\\"): try parseEscape(into: &out)
            case 0x0A, 0x0D: throw error("unterminated string (newline before the closing quote)", at: start)
            default:
                if isControl(c) { throw error("control character U+\(hex4(c)) in string; write it as an escape") }
                out.append(c)
                pos += 1
            }
        }
    }

    mutating func parseLiteralString() throws(TOMLError) -> String {
        let start = pos
        pos += 1
        let contentStart = pos
        while true {
            guard let c = peek() else { throw error("unterminated string", at: start) }
            if c == UInt8(ascii: "'") {
                pos += 1
                return String(decoding: bytes[contentStart..<pos - 1], as: UTF8.self)
            }
            if c == 0x0A || c == 0x0D { throw error("unterminated string (newline before the closing quote)", at: start) }
            if isControl(c) { throw error("control character U+\(hex4(c)) in string") }
            pos += 1
        }
    }

    /// `\b \t \n \f \r \" \\ \uXXXX \UXXXXXXXX`; anything else is an error.
    mutating func parseEscape(into out: inout [UInt8]) throws(TOMLError) {
        let start = pos
        pos += 1
        guard let c = peek() else { throw error("unterminated string") }
        pos += 1
        switch c {
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "\""): out.append(0x22)
        case UInt8(ascii: "\\"): out.append(0x5C)
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let count = c == UInt8(ascii: "u") ? 4 : 8
            guard pos + count <= bytes.count,
                let code = UInt32(String(decoding: bytes[pos..<pos + count], as: UTF8.self), radix: 16),
                bytes[pos..<pos + count].allSatisfy({ TOMLParser.isHexDigit($0) })
            else { throw error("invalid escape: \\\(Character(Unicode.Scalar(c))) needs \(count) hex digits", at: start) }
            guard let scalar = Unicode.Scalar(code) else {
                throw error("invalid escape: U+\(String(code, radix: 16, uppercase: true)) is not a Unicode scalar value", at: start)
            }
            out.append(contentsOf: Array(String(Character(scalar)).utf8))
            pos += count
        default:
            pos -= 1
            throw error("invalid escape sequence '\\\(describe(c))'", at: start)
        }
    }

    static func isHexDigit(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66)
    }

    /// `"""…"""` or `'''…'''`: a newline right after the opening is dropped; up to two quotes may precede the
    /// closing three; in basic strings a backslash at the end of a line trims the following whitespace.
    mutating func parseMultilineString(literal: Bool) throws(TOMLError) -> String {
        let start = pos
        let quote = literal ? UInt8(ascii: "'") : UInt8(ascii: "\"")
        pos += 3
        if peek() == 0x0A {
            pos += 1
        } else if peek() == 0x0D, peek(1) == 0x0A {
            pos += 2
        }
        var out: [UInt8] = []
        while true {
            guard let c = peek() else { throw error("unterminated multi-line string", at: start) }
            if c == quote {
                var run = 0
                while peek(run) == quote { run += 1 }
                if run >= 3 {
                    guard run <= 5 else { throw error("too many quotes at the end of a multi-line string") }
                    out.append(contentsOf: Array(repeating: quote, count: run - 3))
                    pos += run
                    return String(decoding: out, as: UTF8.self)
                }
                out.append(contentsOf: Array(repeating: quote, count: run))
                pos += run
                continue
            }
            switch c {
            case 0x0A:
                out.append(0x0A)
                pos += 1
            case 0x0D:
                guard peek(1) == 0x0A else { throw error("bare carriage return (CR without LF) in string") }
                out.append(0x0A)
                pos += 2
            case UInt8(ascii: "\\") where !literal:
                var look = pos + 1
                while look < bytes.count, bytes[look] == 0x20 || bytes[look] == 0x09 { look += 1 }
                if look < bytes.count, bytes[look] == 0x0A || bytes[look] == 0x0D {
                    pos = look
                    while let w = peek(), w == 0x20 || w == 0x09 || w == 0x0A || w == 0x0D {
                        if w == 0x0D, peek(1) != 0x0A { throw error("bare carriage return (CR without LF) in string") }
                        pos += 1
                    }
                } else {
                    try parseEscape(into: &out)
                }
            default:
                if isControl(c) { throw error("control character U+\(hex4(c)) in string") }
                out.append(c)
                pos += 1
            }
        }
    }

    // MARK: Arrays and inline tables

    mutating func parseArray() throws(TOMLError) -> TOMLValue {
        guard depth < TOMLParser.maximumDepth else { throw error("arrays and inline tables nested more than \(TOMLParser.maximumDepth) deep") }
        depth += 1
        defer { depth -= 1 }
        pos += 1
        var items: [TOMLValue] = []
        while true {
            try skipBlank()
            if peek() == UInt8(ascii: "]") {
                pos += 1
                return .array(items)
            }
            items.append(try parseValue(path: nil))
            try skipBlank()
            switch peek() {
            case UInt8(ascii: ","): pos += 1
            case UInt8(ascii: "]"):
                pos += 1
                return .array(items)
            default: throw error("expected ',' or ']' in array, found '\(describe(peek()))'")
            }
        }
    }

    /// `{ a = 1, b.c = 2 }` on one line, no trailing comma; it cannot be extended afterwards.
    mutating func parseInlineTable(path: [String]?) throws(TOMLError) -> TOMLValue {
        guard depth < TOMLParser.maximumDepth else { throw error("arrays and inline tables nested more than \(TOMLParser.maximumDepth) deep") }
        depth += 1
        defer { depth -= 1 }
        pos += 1
        let node = TOMLNode(kind: .dotted)
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            pos += 1
            return node.value()
        }
        if peek() == 0x0A || peek() == 0x0D { throw error("newline in inline table (inline tables must fit on one line)") }
        while true {
            skipWhitespace()
            let keyStart = pos
            let key = try parseKey()
            guard peek() == UInt8(ascii: "=") else { throw error("expected '=' after key '\(key.joined(separator: "."))'") }
            pos += 1
            skipWhitespace()
            let valueStart = pos
            // Dotted keys nest too: count them against the depth bound.
            depth += key.count - 1
            guard depth <= TOMLParser.maximumDepth else {
                throw error("arrays and inline tables nested more than \(TOMLParser.maximumDepth) deep", at: keyStart)
            }
            let value = try parseValue(path: path.map { $0 + key })
            depth -= key.count - 1
            try insert(key, value, into: node, at: keyStart, base: nil, section: nil)
            if let path {
                let (line, column) = TOMLDocument.location(of: keyStart, in: bytes, lineStarts: lineStarts)
                entries.append(
                    TOMLEntry(
                        path: path + key, lineStart: keyStart, keyStart: keyStart, valueStart: valueStart, valueEnd: pos, lineEnd: pos,
                        section: sections.count - 1, inInlineTable: true, line: line, column: column))
            }
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","):
                pos += 1
                skipWhitespace()
                if peek() == UInt8(ascii: "}") { throw error("trailing comma in inline table") }
                if peek() == 0x0A || peek() == 0x0D { throw error("newline in inline table (inline tables must fit on one line)") }
            case UInt8(ascii: "}"):
                pos += 1
                return node.value()
            case 0x0A, 0x0D: throw error("newline in inline table (inline tables must fit on one line)")
            default: throw error("expected ',' or '}' in inline table, found '\(describe(peek()))'")
            }
        }
    }

    // MARK: Numbers, booleans, dates and times

    static func isTokenByte(_ c: UInt8) -> Bool {
        isBareKeyByte(c) || c == UInt8(ascii: "+") || c == UInt8(ascii: ".") || c == UInt8(ascii: ":")
    }

    mutating func parseScalar() throws(TOMLError) -> TOMLValue {
        let start = pos
        while let c = peek(), TOMLParser.isTokenByte(c) { pos += 1 }
        // A date and a time may be separated by one space: `1979-05-27 07:32:00`.
        if pos - start == 10, TOMLDateTime.isDate(bytes[start..<pos]), peek() == 0x20,
            let d1 = peek(1), let d2 = peek(2), TOMLParser.isDigit(d1), TOMLParser.isDigit(d2), peek(3) == UInt8(ascii: ":")
        {
            pos += 1
            while let c = peek(), TOMLParser.isTokenByte(c) { pos += 1 }
        }
        let token = Array(bytes[start..<pos])
        guard !token.isEmpty else { throw error("expected a value, found '\(describe(peek()))'") }
        let text = String(decoding: token, as: UTF8.self)
        switch text {
        case "true": return .bool(true)
        case "false": return .bool(false)
        case "inf", "+inf": return .float(.infinity)
        case "-inf": return .float(-.infinity)
        case "nan", "+nan", "-nan": return .float(.nan)
        default: break
        }
        if token.contains(UInt8(ascii: ":")) || (token.count >= 10 && TOMLDateTime.isDate(token[0..<10])) {
            guard let value = TOMLDateTime.parse(token) else { throw error("invalid date or time '\(text)'", at: start) }
            return value
        }
        do throws(TOMLNumber.Failure) {
            return try TOMLNumber.parse(token)
        } catch {
            throw self.error("\(error.message) '\(text)'", at: start)
        }
    }

    static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
}
