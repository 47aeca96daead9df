public import HTTP

/// Reading a catalog route's query: integers and booleans within limits, pages as 003 gives them
/// (`limit`/`offset`, or `page`/`per_page` for search); a bad value is a 400 naming the parameter.
public struct CatalogQuery: Sendable {
    public let values: [String: String]

    public init(_ request: Request) {
        values = request.query
    }

    /// An integer within `range`; absent is nil.
    public func integer(_ name: String, _ range: ClosedRange<Int>) throws(HTTPError) -> Int? {
        guard let text = values[name] else { return nil }
        guard text.utf8.count <= 12, let value = Int(text), range.contains(value) else {
            throw HTTPError.badRequest("Invalid \(name): an integer from \(range.lowerBound) to \(range.upperBound)", detail: name)
        }
        return value
    }

    /// A number within `range`; absent is nil.
    public func number(_ name: String, _ range: ClosedRange<Double>) throws(HTTPError) -> Double? {
        guard let text = values[name] else { return nil }
        guard text.utf8.count <= 24, let value = Double(text), value.isFinite, range.contains(value) else {
            throw HTTPError.badRequest("Invalid \(name): a number from \(range.lowerBound) to \(range.upperBound)", detail: name)
        }
        return value
    }

    /// `true`/`1` or `false`/`0`; absent is nil.
    public func boolean(_ name: String) throws(HTTPError) -> Bool? {
        switch values[name] {
        case nil: nil
        case "true", "1": true
        case "false", "0": false
        default: throw HTTPError.badRequest("Invalid \(name): true or false", detail: name)
        }
    }

    /// A text of at most `maxBytes` bytes without control characters; absent or empty is nil.
    public func text(_ name: String, maxBytes: Int = 200) throws(HTTPError) -> String? {
        guard let text = values[name], !text.isEmpty else { return nil }
        guard text.utf8.count <= maxBytes, !text.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
            throw HTTPError.badRequest("Invalid \(name): at most \(maxBytes) bytes of text", detail: name)
        }
        return text
    }

    /// One of `choices`; absent is nil.
    public func choice(_ name: String, _ choices: [String]) throws(HTTPError) -> String? {
        guard let text = values[name] else { return nil }
        guard choices.contains(text) else {
            throw HTTPError.badRequest("Invalid \(name): one of \(choices.joined(separator: ", "))", detail: name)
        }
        return text
    }

    /// 003's `limit` (1...`maximum`, default `fallback`) and `offset` (0...10,000,000).
    public func page(default fallback: Int = 20, maximum: Int = 100) throws(HTTPError) -> (limit: Int, offset: Int) {
        (try integer("limit", 1...maximum) ?? fallback, try integer("offset", 0...10_000_000) ?? 0)
    }

    /// The documented types of `limit` and `offset`.
    public static func pageTypes(maximum: Int = 100) -> [String: Schema] {
        ["limit": .integer(minimum: 1, maximum: Int64(maximum)), "offset": .integer(minimum: 0, maximum: 10_000_000)]
    }
}
