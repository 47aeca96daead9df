/// Reads the attributes of every element with a given name from a Plex XML document, without an
/// XML library: Plex's XML is flat attribute data (`<MediaPart hash="…" file="…"/>`), which is all
/// the fallback endpoints need. Bounded: at most `limit` elements and 256 attributes each.
public enum PlexXMLScanner {
    /// Why a document could not be read.
    public struct ScanError: Error, CustomStringConvertible, Sendable, Equatable {
        public let offset: Int
        public let reason: String
        public var description: String { "XML at byte \(offset): \(reason)" }
    }

    public static func elements(
        named name: String, in document: [UInt8], limit: Int = 100_000
    ) throws(ScanError) -> [[String: String]] {
        let tag = Array(name.utf8)
        var results: [[String: String]] = []
        var i = 0
        let end = document.count
        while i < end {
            guard document[i] == UInt8(ascii: "<") else {
                i += 1
                continue
            }
            if starts(document, at: i, with: "<!--") {
                i = try skip(document, from: i + 4, past: "-->")
                continue
            }
            if starts(document, at: i, with: "<![CDATA[") {
                i = try skip(document, from: i + 9, past: "]]>")
                continue
            }
            let nameStart = i + 1
            let nameEnd = nameStart + tag.count
            guard nameEnd < end, Array(document[nameStart..<nameEnd]) == tag,
                isSpace(document[nameEnd]) || document[nameEnd] == UInt8(ascii: "/") || document[nameEnd] == UInt8(ascii: ">")
            else {
                i += 1
                continue
            }
            guard results.count < limit else { throw ScanError(offset: i, reason: "more than \(limit) <\(name)> elements") }
            var attributes: [String: String] = [:]
            i = try readAttributes(document, from: nameEnd, into: &attributes)
            results.append(attributes)
        }
        return results
    }

    /// Reads `name="value"` pairs up to the closing `>` of the tag; returns the index after it.
    private static func readAttributes(
        _ d: [UInt8], from start: Int, into attributes: inout [String: String]
    ) throws(ScanError) -> Int {
        var i = start
        while i < d.count {
            let c = d[i]
            if isSpace(c) || c == UInt8(ascii: "/") {
                i += 1
                continue
            }
            if c == UInt8(ascii: ">") { return i + 1 }
            let nameStart = i
            while i < d.count, !isSpace(d[i]), d[i] != UInt8(ascii: "="), d[i] != UInt8(ascii: ">"), d[i] != UInt8(ascii: "/") {
                i += 1
            }
            let attributeName = String(decoding: d[nameStart..<i], as: UTF8.self)
            while i < d.count, isSpace(d[i]) { i += 1 }
            guard i < d.count, d[i] == UInt8(ascii: "=") else {
                throw ScanError(offset: i, reason: "attribute '\(attributeName)' has no value")
            }
            i += 1
            while i < d.count, isSpace(d[i]) { i += 1 }
            guard i < d.count, d[i] == UInt8(ascii: "\"") || d[i] == UInt8(ascii: "'") else {
                throw ScanError(offset: i, reason: "attribute '\(attributeName)' value is not quoted")
            }
            let quote = d[i]
            let valueStart = i + 1
            guard let valueEnd = d[valueStart...].firstIndex(of: quote) else {
                throw ScanError(offset: valueStart, reason: "attribute '\(attributeName)' value is not closed")
            }
            guard attributes.count < 256 else { throw ScanError(offset: nameStart, reason: "too many attributes") }
            attributes[attributeName] = decodeEntities(d[valueStart..<valueEnd])
            i = valueEnd + 1
        }
        throw ScanError(offset: start, reason: "tag is not closed")
    }

    /// Replaces the five XML entities and numeric character references.
    static func decodeEntities(_ bytes: ArraySlice<UInt8>) -> String {
        guard bytes.contains(UInt8(ascii: "&")) else { return String(decoding: bytes, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        while i < bytes.endIndex {
            if bytes[i] == UInt8(ascii: "&"), let semicolon = bytes[i...].prefix(12).firstIndex(of: UInt8(ascii: ";")) {
                let entity = String(decoding: bytes[(i + 1)..<semicolon], as: UTF8.self)
                if let scalar = entityScalar(entity) {
                    out += Array(String(Character(scalar)).utf8)
                    i = semicolon + 1
                    continue
                }
            }
            out.append(bytes[i])
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func entityScalar(_ entity: String) -> Unicode.Scalar? {
        switch entity {
        case "amp": return "&"
        case "lt": return "<"
        case "gt": return ">"
        case "quot": return "\""
        case "apos": return "'"
        default:
            if entity.hasPrefix("#x") || entity.hasPrefix("#X") {
                return UInt32(entity.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init)
            }
            if entity.hasPrefix("#") { return UInt32(entity.dropFirst()).flatMap(Unicode.Scalar.init) }
            return nil
        }
    }

    private static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0a || c == 0x0d }

    private static func starts(_ d: [UInt8], at i: Int, with text: String) -> Bool {
        let t = Array(text.utf8)
        return i + t.count <= d.count && Array(d[i..<(i + t.count)]) == t
    }

    private static func skip(_ d: [UInt8], from i: Int, past text: String) throws(ScanError) -> Int {
        let t = Array(text.utf8)
        var j = i
        while j + t.count <= d.count {
            if d[j] == t[0] && Array(d[j..<(j + t.count)]) == t { return j + t.count }
            j += 1
        }
        throw ScanError(offset: i, reason: "'\(text)' never comes")
    }
}
