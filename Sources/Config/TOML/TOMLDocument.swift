/// A parsed TOML document: its values, plus where each key, table and section sits in the source,
/// which is what `TOMLEditor` needs to change one key and leave every other byte alone.
public struct TOMLDocument: Sendable {
    /// The bytes the document was parsed from.
    public let source: [UInt8]
    /// The file name errors carry.
    public let file: String
    /// The root table's values.
    public let root: [String: TOMLValue]
    /// Every key/value pair outside arrays of tables, in source order.
    public let entries: [TOMLEntry]
    /// The root section (index 0) and one section per `[table]` / `[[array]]` header, in source order.
    public let sections: [TOMLSection]
    /// How each table (outside arrays of tables) came to exist.
    public let tables: [[String]: TOMLTableOrigin]
    let lineStarts: [Int]

    /// Parses UTF-8 TOML 1.0. Throws the first error as `file:line:column: message`.
    public static func parse(_ bytes: [UInt8], file: String = "<input>") throws(TOMLError) -> TOMLDocument {
        var parser = TOMLParser(bytes: bytes, file: file)
        return try parser.parseDocument()
    }

    /// Every syntax error in a document, up to `limit`, in file order; empty when it parses. Recovery goes on at the
    /// next line (the next table header after a broken header), so one typo does not hide the next.
    public static func errors(in bytes: [UInt8], file: String = "<input>", limit: Int = 20) -> [TOMLError] {
        parseReportingErrors(bytes, file: file, limit: limit).errors
    }

    /// The document, or every syntax error up to `limit` (never both).
    public static func parseReportingErrors(_ bytes: [UInt8], file: String, limit: Int) -> (document: TOMLDocument?, errors: [TOMLError]) {
        var parser = TOMLParser(bytes: bytes, file: file)
        var errors: [TOMLError] = []
        let document = parser.parseDocument(errors: &errors, limit: max(1, limit))
        return errors.isEmpty ? (document, []) : (nil, errors)
    }

    /// Parses a string (convenience for tests and the command line).
    public static func parse(_ text: String, file: String = "<input>") throws(TOMLError) -> TOMLDocument {
        try parse(Array(text.utf8), file: file)
    }

    init(
        source: [UInt8], file: String, root: [String: TOMLValue], entries: [TOMLEntry], sections: [TOMLSection],
        tables: [[String]: TOMLTableOrigin]
    ) {
        self.source = source
        self.file = file
        self.root = root
        self.entries = entries
        self.sections = sections
        self.tables = tables
        self.lineStarts = TOMLDocument.lineStarts(of: source)
    }

    /// The value at a key path, or nil.
    public func value(at path: [String]) -> TOMLValue? {
        TOMLValue.table(root).value(at: path)
    }

    /// The entry that defines a key path, or nil when the key is absent (or inside an array of tables).
    public func entry(for path: [String]) -> TOMLEntry? {
        entries.first { $0.path == path }
    }

    /// Every leaf key path (values that are not tables), with the entry that set it where one did.
    public func leafPaths() -> [[String]] {
        var result: [[String]] = []
        func walk(_ table: [String: TOMLValue], _ prefix: [String]) {
            for key in table.keys.sorted() {
                let path = prefix + [key]
                if case .table(let inner) = table[key] { walk(inner, path) } else { result.append(path) }
            }
        }
        walk(root, [])
        return result
    }

    /// 1-based line and column of a byte offset.
    public func location(of offset: Int) -> (line: Int, column: Int) {
        TOMLDocument.location(of: offset, in: source, lineStarts: lineStarts)
    }

    static func location(of offset: Int, in bytes: [UInt8]) -> (line: Int, column: Int) {
        location(of: offset, in: bytes, lineStarts: lineStarts(of: bytes))
    }

    /// Offsets where lines begin (0, and after each LF), for `location(of:in:lineStarts:)`.
    static func lineStarts(of bytes: [UInt8]) -> [Int] {
        var starts = [0]
        for (index, byte) in bytes.enumerated() where byte == 0x0A { starts.append(index + 1) }
        return starts
    }

    static func location(of offset: Int, in bytes: [UInt8], lineStarts: [Int]) -> (line: Int, column: Int) {
        let offset = min(offset, bytes.count)
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if lineStarts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        var column = 1
        for byte in bytes[lineStarts[low]..<offset] where byte & 0xC0 != 0x80 { column += 1 }
        return (low + 1, column)
    }
}

/// One `key = value` line: byte offsets of the line, the key and the value.
public struct TOMLEntry: Sendable, Equatable {
    /// The absolute key path (table path + dotted key).
    public let path: [String]
    public let lineStart: Int
    public let keyStart: Int
    public let valueStart: Int
    public let valueEnd: Int
    /// After the line's newline (or the end of the file).
    public let lineEnd: Int
    /// Index into `TOMLDocument.sections`.
    public let section: Int
    /// True for a key inside an inline table (`a = { b = 1 }`): its line is not its own.
    public let inInlineTable: Bool
    public let line: Int
    public let column: Int
}

/// A run of lines under one header (or the root, before the first header).
public struct TOMLSection: Sendable, Equatable {
    public let path: [String]
    public let isArrayElement: Bool
    /// Offset of the header line (0 for the root).
    public let headerStart: Int
    /// Offset just after the header line.
    public let bodyStart: Int
    /// Offset of the next header line, or the end of the file.
    public internal(set) var end: Int
    /// Offset after the last key/value line of this section (its `bodyStart` when it has none).
    public internal(set) var lastEntryEnd: Int
}

/// How a table was defined, which decides how a new key can be added to it.
public enum TOMLTableOrigin: Sendable, Equatable {
    case root
    /// By a `[header]`; keys go into that section.
    case header(section: Int)
    /// By dotted keys inside a section (`a.b = 1` defines `a`); keys go there as dotted keys.
    case dotted(section: Int)
    /// Only as the parent of a header (`[a.b]` makes `a`); `[a]` may still be written.
    case implicit
    /// By an inline table, which cannot be extended.
    case inline
    /// By `[[header]]`.
    case arrayOfTables
}
