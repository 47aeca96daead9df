/// Why a key could not be changed in place (the document is left as it was).
public struct TOMLEditError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}

/// Sets, adds or removes one key of a TOML document and leaves every other byte as it was:
/// comments, blank lines, order, quoting and indentation.
public enum TOMLEditor {
    /// The document with `path` set to `value`: the value's text is replaced where the key exists; otherwise a line
    /// is added after the last key of its table, or a `[table]` is appended when the table has no section yet.
    public static func set(_ path: [String], to value: TOMLValue, in document: TOMLDocument) throws(TOMLEditError) -> [UInt8] {
        let edited = try editedText(path, to: value, in: document)
        // An edit can be well formed and still break a parser bound (a deep value under a deep key): never hand back
        // text that the loader would refuse.
        do {
            _ = try TOMLDocument.parse(edited, file: document.file)
        } catch {
            throw TOMLEditError(message: "'\(dotted(path))' cannot be set to that value: \(error.message)")
        }
        return edited
    }

    private static func editedText(_ path: [String], to value: TOMLValue, in document: TOMLDocument) throws(TOMLEditError) -> [UInt8] {
        precondition(!path.isEmpty, "a key path has at least one key")
        let source = document.source
        if let entry = document.entry(for: path) {
            return replacing(source, entry.valueStart..<entry.valueEnd, with: value.tomlText)
        }
        if document.value(at: path) != nil {
            throw TOMLEditError(message: "'\(dotted(path))' cannot be set in place (it is a table or inside an array of tables)")
        }
        // Find the deepest table on the path that exists.
        var depth = path.count - 1
        while depth > 0, document.value(at: Array(path[..<depth])) == nil { depth -= 1 }
        let existing = Array(path[..<depth])
        if depth > 0 {
            switch document.value(at: existing) {
            case .table: break
            case .array: throw TOMLEditError(message: "'\(dotted(existing))' is an array of tables; edit it by hand")
            default: throw TOMLEditError(message: "'\(dotted(existing))' is a value, not a table")
            }
        }
        let table = Array(path.dropLast())
        let origin: TOMLTableOrigin? = depth == path.count - 1 ? document.tables[table] : nil
        switch origin ?? document.tables[existing] {
        case .inline:
            // Rewrite the innermost inline table that holds the new key; its other keys keep their values.
            var holder = existing
            while holder.count > 1, document.tables[Array(holder.dropLast())] == .inline { holder.removeLast() }
            guard let entry = document.entry(for: holder), case .table(let members) = document.value(at: holder) else {
                throw TOMLEditError(message: "'\(dotted(holder))' is an inline table that cannot be edited in place")
            }
            let updated = TOMLEditor.setting(Array(path.dropFirst(holder.count)), to: value, in: .table(members))
            return replacing(source, entry.valueStart..<entry.valueEnd, with: updated.tomlText)
        case .arrayOfTables:
            throw TOMLEditError(message: "'\(dotted(existing))' is an array of tables; edit it by hand")
        default: break
        }
        switch origin {
        case .root?:
            return insertLine(keyText(path), value, in: document, section: 0)
        case .header(let section)?:
            return insertLine(keyText([path[path.count - 1]]), value, in: document, section: section)
        case .dotted(let section)?:
            let relative = Array(path.dropFirst(document.sections[section].path.count))
            return insertLine(keyText(relative), value, in: document, section: section)
        default:
            return appendTable(table, key: path[path.count - 1], value, in: document)
        }
    }

    /// The document without `path` (its whole line goes); unchanged when the key is absent.
    public static func remove(_ path: [String], from document: TOMLDocument) throws(TOMLEditError) -> [UInt8] {
        guard let entry = document.entry(for: path) else {
            if document.value(at: path) != nil {
                throw TOMLEditError(message: "'\(dotted(path))' cannot be removed in place (it is a table or inside an array of tables)")
            }
            return document.source
        }
        if !entry.inInlineTable {
            return replacing(document.source, entry.lineStart..<entry.lineEnd, with: "")
        }
        var holder = Array(path.dropLast())
        while holder.count > 1, document.tables[Array(holder.dropLast())] == .inline { holder.removeLast() }
        guard let outer = document.entry(for: holder), let current = document.value(at: holder) else {
            throw TOMLEditError(message: "'\(dotted(path))' is inside an inline table that cannot be edited in place")
        }
        let updated = removing(Array(path.dropFirst(holder.count)), from: current)
        return replacing(document.source, outer.valueStart..<outer.valueEnd, with: updated.tomlText)
    }

    static func dotted(_ path: [String]) -> String { path.joined(separator: ".") }

    static func keyText(_ path: [String]) -> String { path.map(TOMLValue.keyText).joined(separator: ".") }

    static func replacing(_ source: [UInt8], _ range: Range<Int>, with text: String) -> [UInt8] {
        var out = source
        out.replaceSubrange(range, with: Array(text.utf8))
        return out
    }

    static func newline(of source: [UInt8]) -> String {
        if let lf = source.firstIndex(of: 0x0A), lf > 0, source[lf - 1] == 0x0D { return "\r\n" }
        return "\n"
    }

    /// Adds `key = value` after the last key of a section, with that key's indentation.
    static func insertLine(_ key: String, _ value: TOMLValue, in document: TOMLDocument, section: Int) -> [UInt8] {
        let source = document.source
        let eol = newline(of: source)
        let last = document.entries.last { $0.section == section && !$0.inInlineTable }
        let at = last?.lineEnd ?? document.sections[section].bodyStart
        let indent = last.map { String(decoding: source[$0.lineStart..<$0.keyStart], as: UTF8.self) } ?? ""
        var text = indent + key + " = " + value.tomlText + eol
        if at == source.count, let byte = source.last, byte != 0x0A { text = eol + text }
        return replacing(source, at..<at, with: text)
    }

    /// Appends `[table]` with one key at the end of the document.
    static func appendTable(_ table: [String], key: String, _ value: TOMLValue, in document: TOMLDocument) -> [UInt8] {
        let source = document.source
        let eol = newline(of: source)
        var text = ""
        if let byte = source.last {
            if byte != 0x0A { text += eol }
            text += eol
        }
        if !table.isEmpty { text += "[" + keyText(table) + "]" + eol }
        text += TOMLValue.keyText(key) + " = " + value.tomlText + eol
        return source + Array(text.utf8)
    }

    static func setting(_ path: [String], to value: TOMLValue, in table: TOMLValue) -> TOMLValue {
        guard let first = path.first, case .table(var members) = table else { return value }
        members[first] = path.count == 1 ? value : setting(Array(path.dropFirst()), to: value, in: members[first] ?? .table([:]))
        return .table(members)
    }

    static func removing(_ path: [String], from table: TOMLValue) -> TOMLValue {
        guard let first = path.first, case .table(var members) = table else { return table }
        if path.count == 1 {
            members[first] = nil
        } else if let inner = members[first] {
            members[first] = removing(Array(path.dropFirst()), from: inner)
        }
        return .table(members)
    }
}
