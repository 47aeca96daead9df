/// A table while the document is being built: its kind decides what may still be added to it.
final class TOMLNode {
    enum Kind { case root, header, dotted, implicit, arrayElement }
    enum Child {
        case value(TOMLValue)
        case table(TOMLNode)
        case tables([TOMLNode])
    }

    var kind: Kind
    var children: [String: Child] = [:]

    init(kind: Kind) { self.kind = kind }

    func value() -> TOMLValue {
        .table(
            children.mapValues { child in
                switch child {
                case .value(let value): return value
                case .table(let node): return node.value()
                case .tables(let nodes): return .array(nodes.map { $0.value() })
                }
            })
    }
}

/// Recursive-descent TOML 1.0 parser over UTF-8 bytes; no I/O. Values are in `TOMLParser+Values.swift`.
struct TOMLParser {
    let bytes: [UInt8]
    let file: String
    let lineStarts: [Int]
    var pos = 0
    var entries: [TOMLEntry] = []
    var sections: [TOMLSection] = []
    var tables: [[String]: TOMLTableOrigin] = [[]: .root]
    let root = TOMLNode(kind: .root)
    var current: TOMLNode
    var currentPath: [String] = []
    var currentInArray = false
    /// Arrays and inline tables open now; bounded so that hostile input cannot exhaust the stack.
    var depth = 0
    /// Tables and arrays that a value under the current header sits in once written inline (`[[a.b]]`: 3).
    var headerNesting = 0
    static let maximumDepth = 100

    init(bytes: [UInt8], file: String) {
        self.bytes = bytes
        self.file = file
        self.lineStarts = TOMLDocument.lineStarts(of: bytes)
        self.current = root
    }

    func peek(_ offset: Int = 0) -> UInt8? {
        pos + offset < bytes.count ? bytes[pos + offset] : nil
    }

    func error(_ message: String, at offset: Int? = nil) -> TOMLError {
        let (line, column) = TOMLDocument.location(of: offset ?? pos, in: bytes, lineStarts: lineStarts)
        return TOMLError(file: file, line: line, column: column, message: message)
    }

    mutating func parseDocument() throws(TOMLError) -> TOMLDocument {
        var errors: [TOMLError] = []
        let document = parseDocument(errors: &errors, limit: 1)
        if let document, errors.isEmpty { return document }
        throw errors[0]
    }

    /// Parses the whole input, recording up to `limit` errors: after an error in a `key = value` line it goes on at
    /// the next line, after an error in a table header at the next header. A document comes back only when there was
    /// no error, so recovery never lets an invalid document through; the errors after the first are best effort.
    mutating func parseDocument(errors: inout [TOMLError], limit: Int) -> TOMLDocument? {
        if let bad = TOMLParser.firstInvalidUTF8(bytes) {
            errors.append(error("invalid UTF-8 byte 0x\(String(bytes[bad], radix: 16))", at: bad))
            return nil
        }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { pos = 3 }
        sections.append(TOMLSection(path: [], isArrayElement: false, headerStart: 0, bodyStart: pos, end: 0, lastEntryEnd: pos))
        var skippingToHeader = false
        while pos < bytes.count && errors.count < limit {
            let lineStart = pos
            skipWhitespace()
            if skippingToHeader && peek() != UInt8(ascii: "[") {
                pos = nextLineStart(after: pos)
                continue
            }
            skippingToHeader = false
            let isHeader = peek() == UInt8(ascii: "[")
            do {
                switch peek() {
                case nil: break
                case UInt8(ascii: "#"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): try expectLineEnd()
                case UInt8(ascii: "["): try parseHeader(lineStart: lineStart)
                default: try parseKeyValueLine(lineStart: lineStart)
                }
            } catch {
                errors.append(error)
                pos = nextLineStart(after: max(pos, lineStart))
                // The keys under a broken header would land in the previous table and report false duplicates.
                skippingToHeader = isHeader
            }
        }
        if !errors.isEmpty { return nil }
        sections[sections.count - 1].end = bytes.count
        guard case .table(let rootValue) = root.value() else { preconditionFailure("the root is a table") }
        return TOMLDocument(source: bytes, file: file, root: rootValue, entries: entries, sections: sections, tables: tables)
    }

    // MARK: Whitespace, comments, line ends

    /// The offset just after the next line feed at or after `offset`, or the end of the input.
    func nextLineStart(after offset: Int) -> Int {
        var i = offset
        while i < bytes.count && bytes[i] != 0x0A { i += 1 }
        return min(i + 1, bytes.count)
    }

    mutating func skipWhitespace() {
        while let c = peek(), c == 0x20 || c == 0x09 { pos += 1 }
    }

    /// From `#` to the end of the line (not consuming the newline). Control characters are not allowed.
    mutating func skipComment() throws(TOMLError) {
        pos += 1
        while let c = peek(), c != 0x0A {
            if c == 0x0D {
                if peek(1) == 0x0A { return }
                throw error("bare carriage return in comment")
            }
            if (c < 0x20 && c != 0x09) || c == 0x7F { throw error("control character U+\(hex4(c)) in comment") }
            pos += 1
        }
    }

    /// Whitespace, an optional comment, then a newline or the end of the input.
    mutating func expectLineEnd() throws(TOMLError) {
        skipWhitespace()
        if peek() == UInt8(ascii: "#") { try skipComment() }
        switch peek() {
        case nil: return
        case 0x0A: pos += 1
        case 0x0D:
            guard peek(1) == 0x0A else { throw error("bare carriage return (CR without LF)") }
            pos += 2
        default: throw error("expected the end of the line, found '\(describe(peek()))'")
        }
    }

    /// Whitespace, comments and newlines (inside arrays).
    mutating func skipBlank() throws(TOMLError) {
        while let c = peek() {
            switch c {
            case 0x20, 0x09, 0x0A: pos += 1
            case 0x0D:
                guard peek(1) == 0x0A else { throw error("bare carriage return (CR without LF)") }
                pos += 2
            case UInt8(ascii: "#"): try skipComment()
            default: return
            }
        }
    }

    func describe(_ byte: UInt8?) -> String {
        guard let byte else { return "end of input" }
        if byte < 0x20 || byte == 0x7F { return "U+\(hex4(byte))" }
        var end = pos + 1
        while end < bytes.count && bytes[end] & 0xC0 == 0x80 { end += 1 }
        return String(decoding: bytes[pos..<end], as: UTF8.self)
    }

    func hex4(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16, uppercase: true)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }

    // MARK: Keys

    static func isBareKeyByte(_ c: UInt8) -> Bool {
        (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) || c == 0x5F || c == 0x2D
    }

    /// A dotted key: simple keys separated by `.`, whitespace allowed around the dots.
    mutating func parseKey() throws(TOMLError) -> [String] {
        var parts: [String] = []
        while true {
            skipWhitespace()
            parts.append(try parseSimpleKey())
            skipWhitespace()
            guard peek() == UInt8(ascii: ".") else { return parts }
            guard parts.count < TOMLParser.maximumDepth else { throw error("key has more than \(TOMLParser.maximumDepth) parts") }
            pos += 1
        }
    }

    mutating func parseSimpleKey() throws(TOMLError) -> String {
        switch peek() {
        case UInt8(ascii: "\""):
            if peek(1) == UInt8(ascii: "\""), peek(2) == UInt8(ascii: "\"") { throw error("a multi-line string cannot be a key") }
            return try parseBasicString()
        case UInt8(ascii: "'"):
            if peek(1) == UInt8(ascii: "'"), peek(2) == UInt8(ascii: "'") { throw error("a multi-line string cannot be a key") }
            return try parseLiteralString()
        default:
            let start = pos
            while let c = peek(), TOMLParser.isBareKeyByte(c) { pos += 1 }
            guard pos > start else { throw error("expected a key, found '\(describe(peek()))'") }
            return String(decoding: bytes[start..<pos], as: UTF8.self)
        }
    }

    // MARK: Lines

    mutating func parseKeyValueLine(lineStart: Int) throws(TOMLError) {
        let keyStart = pos
        let key = try parseKey()
        guard peek() == UInt8(ascii: "=") else { throw error("expected '=' after key '\(key.joined(separator: "."))'") }
        pos += 1
        skipWhitespace()
        let valueStart = pos
        // Header, dotted key and inline nesting count against one bound, so that every value read can be written inline.
        depth = headerNesting + key.count - 1
        defer { depth = 0 }
        guard depth <= TOMLParser.maximumDepth else { throw error("tables nested more than \(TOMLParser.maximumDepth) deep", at: keyStart) }
        let prefix = currentInArray ? nil : currentPath + key
        let value = try parseValue(path: prefix)
        let valueEnd = pos
        let sectionIndex = sections.count - 1
        try insert(key, value, into: current, at: keyStart, base: currentInArray ? nil : currentPath, section: sectionIndex)
        try expectLineEnd()
        if let prefix {
            let (line, column) = TOMLDocument.location(of: keyStart, in: bytes, lineStarts: lineStarts)
            entries.append(
                TOMLEntry(
                    path: prefix, lineStart: lineStart, keyStart: keyStart, valueStart: valueStart, valueEnd: valueEnd, lineEnd: pos,
                    section: sectionIndex, inInlineTable: false, line: line, column: column))
        }
        sections[sectionIndex].lastEntryEnd = pos
    }

    /// Adds `key = value` under `node`, creating dotted tables on the way. `base` is the absolute path of `node`
    /// when it is known (not inside an array), to record table origins; `section` is nil inside inline tables.
    mutating func insert(
        _ key: [String], _ value: TOMLValue, into node: TOMLNode, at offset: Int, base: [String]?,
        section: Int?
    ) throws(TOMLError) {
        var node = node
        var path = base
        for (index, part) in key.dropLast().enumerated() {
            path?.append(part)
            let name = (path ?? Array(key[...index])).joined(separator: ".")
            switch node.children[part] {
            case nil:
                let created = TOMLNode(kind: .dotted)
                node.children[part] = .table(created)
                if let path, let section { tables[path] = .dotted(section: section) }
                node = created
            case .table(let existing):
                guard existing.kind == .dotted else {
                    throw error("table '\(name)' is already defined; it cannot be extended with a dotted key", at: offset)
                }
                node = existing
            case .value(.table):
                throw error("'\(name)' is an inline table, which cannot be extended", at: offset)
            case .value:
                throw error("key '\(name)' already has a value that is not a table", at: offset)
            case .tables:
                throw error("'\(name)' is an array of tables; it cannot be extended with a dotted key", at: offset)
            }
        }
        let last = key[key.count - 1]
        guard node.children[last] == nil else {
            let name = ((base ?? []) + key).joined(separator: ".")
            throw error("duplicate key '\(name)'", at: offset)
        }
        node.children[last] = .value(value)
        if case .table = value, let full = base.map({ $0 + key }) { tables[full] = .inline }
    }

    mutating func parseHeader(lineStart: Int) throws(TOMLError) {
        pos += 1
        let isArray = peek() == UInt8(ascii: "[")
        if isArray { pos += 1 }
        let keyStart = pos
        let key = try parseKey()
        guard peek() == UInt8(ascii: "]") else { throw error("expected ']' after table name") }
        pos += 1
        if isArray {
            guard peek() == UInt8(ascii: "]") else { throw error("expected ']]' after array of tables name") }
            pos += 1
        }
        try expectLineEnd()
        sections[sections.count - 1].end = lineStart
        let sectionIndex = sections.count
        var node = root
        var inArray = false
        var path: [String] = []
        var nesting = key.count + (isArray ? 1 : 0)
        for part in key.dropLast() {
            path.append(part)
            let name = path.joined(separator: ".")
            switch node.children[part] {
            case nil:
                let created = TOMLNode(kind: .implicit)
                node.children[part] = .table(created)
                if !inArray { tables[path] = .implicit }
                node = created
            case .table(let existing): node = existing
            case .tables(let elements): node = elements[elements.count - 1]; inArray = true; nesting += 1
            case .value(.table): throw error("'\(name)' is an inline table, which cannot be extended", at: keyStart)
            case .value: throw error("key '\(name)' already has a value that is not a table", at: keyStart)
            }
        }
        let last = key[key.count - 1]
        let name = key.joined(separator: ".")
        if isArray {
            let element = TOMLNode(kind: .arrayElement)
            switch node.children[last] {
            case nil:
                node.children[last] = .tables([element])
                if !inArray { tables[key] = .arrayOfTables }
            case .tables(let elements): node.children[last] = .tables(elements + [element])
            default: throw error("'\(name)' is already defined and is not an array of tables", at: keyStart)
            }
            node = element
            inArray = true
        } else {
            switch node.children[last] {
            case nil:
                let created = TOMLNode(kind: .header)
                node.children[last] = .table(created)
                node = created
            case .table(let existing) where existing.kind == .implicit:
                existing.kind = .header
                node = existing
            case .table: throw error("table '\(name)' is already defined", at: keyStart)
            case .tables: throw error("'\(name)' is an array of tables, not a table", at: keyStart)
            case .value(.table): throw error("'\(name)' is an inline table, which cannot be extended", at: keyStart)
            case .value: throw error("key '\(name)' already has a value that is not a table", at: keyStart)
            }
            if !inArray { tables[key] = .header(section: sectionIndex) }
        }
        guard nesting <= TOMLParser.maximumDepth else { throw error("tables nested more than \(TOMLParser.maximumDepth) deep", at: keyStart) }
        sections.append(TOMLSection(path: key, isArrayElement: inArray, headerStart: lineStart, bodyStart: pos, end: pos, lastEntryEnd: pos))
        headerNesting = nesting
        current = node
        currentPath = key
        currentInArray = inArray
    }

    /// Offset of the first byte that is not well-formed UTF-8 (overlongs, surrogates and > U+10FFFF included).
    static func firstInvalidUTF8(_ b: [UInt8]) -> Int? {
        var i = 0
        while i < b.count {
            let c = b[i]
            if c < 0x80 {
                i += 1
                continue
            }
            let need: Int
            var scalar: UInt32
            let minimum: UInt32
            if c & 0xE0 == 0xC0 {
                need = 1; scalar = UInt32(c & 0x1F); minimum = 0x80
            } else if c & 0xF0 == 0xE0 {
                need = 2; scalar = UInt32(c & 0x0F); minimum = 0x800
            } else if c & 0xF8 == 0xF0 {
                need = 3; scalar = UInt32(c & 0x07); minimum = 0x10000
            } else {
                return i
            }
            guard i + need < b.count else { return i }
            for k in 1...need {
                let next = b[i + k]
                guard next & 0xC0 == 0x80 else { return i }
                scalar = scalar << 6 | UInt32(next & 0x3F)
            }
            if scalar < minimum || scalar > 0x10FFFF || (0xD800...0xDFFF).contains(scalar) { return i }
            i += need + 1
        }
        return nil
    }
}
