import Core

/// A `multipart/form-data` body (RFC 7578) split into its parts, for the few routes that take a file
/// upload. Bounded: at most `maxParts` parts with at most 8 KiB of headers each, the whole body
/// already bounded by the server's body limit. A malformed body is a 400.
public struct MultipartForm: Sendable {
    public struct Part: Sendable {
        /// The `name` of its `Content-Disposition`.
        public let name: String
        public let filename: String?
        public let contentType: String?
        public let body: [UInt8]
    }

    public let parts: [Part]

    /// Splits `body` on the boundary named in `contentType` (`multipart/form-data; boundary=…`).
    public init(body: [UInt8], contentType: String, maxParts: Int = 16) throws(HTTPError) {
        guard let boundary = Self.parameters(contentType)["boundary"], (1...70).contains(boundary.utf8.count) else {
            throw HTTPError.badRequest("A multipart body needs a boundary of 1 to 70 characters in its Content-Type", detail: "Content-Type")
        }
        let delimiter = Array("--\(boundary)".utf8)
        let separator = Array("\r\n--\(boundary)".utf8)
        guard var offset = Self.find(delimiter, in: body, from: 0) else { throw Self.malformed("no opening boundary") }
        offset += delimiter.count
        var parts: [Part] = []
        while true {
            if body.count >= offset + 2, body[offset] == UInt8(ascii: "-"), body[offset + 1] == UInt8(ascii: "-") { break }
            guard body.count >= offset + 2, body[offset] == 0x0D, body[offset + 1] == 0x0A else {
                throw Self.malformed("a boundary not followed by CRLF")
            }
            offset += 2
            guard parts.count < maxParts else { throw HTTPError.badRequest("More than \(maxParts) parts in the multipart body", detail: "body") }
            guard let headersEnd = Self.find(Array("\r\n\r\n".utf8), in: body, from: offset), headersEnd - offset <= 8192 else {
                throw Self.malformed("part headers missing or over 8 KiB")
            }
            let headers = Self.headers(body[offset..<headersEnd])
            guard let end = Self.find(separator, in: body, from: headersEnd + 4) else { throw Self.malformed("no closing boundary") }
            let disposition = Self.parameters(headers["content-disposition"] ?? "")
            guard let name = disposition["name"] else { throw Self.malformed("a part without a Content-Disposition name") }
            parts.append(
                Part(name: name, filename: disposition["filename"], contentType: headers["content-type"], body: Array(body[(headersEnd + 4)..<end])))
            offset = end + separator.count
        }
        self.parts = parts
    }

    /// The first part called `name`.
    public func part(_ name: String) -> Part? {
        parts.first { $0.name == name }
    }

    private static func malformed(_ why: String) -> HTTPError {
        HTTPError.badRequest("Malformed multipart body: \(why)", detail: "body")
    }

    /// Header names lowercased → values, from a part's header block (lines split on CRLF).
    private static func headers(_ block: ArraySlice<UInt8>) -> [String: String] {
        var headers: [String: String] = [:]
        for line in String(decoding: block, as: UTF8.self).split(separator: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased().trimmingWhitespace()] = line[line.index(after: colon)...].trimmingWhitespace()
        }
        return headers
    }

    /// `value; key=v; key2="quoted; value"` → parameters with lowercased keys (the first item, the value itself, is left out).
    static func parameters(_ header: String) -> [String: String] {
        var items: [String] = []
        var current = ""
        var quoted = false
        var escaped = false
        for character in header {
            if escaped {
                current.append(character)
                escaped = false
            } else if quoted && character == "\\" {
                escaped = true
            } else if character == "\"" {
                quoted.toggle()
            } else if character == ";" && !quoted {
                items.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        items.append(current)
        var parameters: [String: String] = [:]
        for item in items.dropFirst() {
            guard let equals = item.firstIndex(of: "=") else { continue }
            let key = item[..<equals].lowercased().trimmingWhitespace()
            if parameters[key] == nil { parameters[key] = item[item.index(after: equals)...].trimmingWhitespace() }
        }
        return parameters
    }

    /// Where `needle` first occurs in `haystack` at or after `start`.
    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard let first = needle.first, haystack.count >= needle.count else { return nil }
        var index = start
        while index <= haystack.count - needle.count {
            if haystack[index] == first, haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }
}
