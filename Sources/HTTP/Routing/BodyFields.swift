public import Core

/// Reading a JSON request body's fields with their limits: a missing required field, a wrong type or
/// an over-long value is a 400 whose `detail` names the field.
public struct BodyFields: Sendable {
    public let json: JSON

    public init(_ json: JSON) throws(HTTPError) {
        guard case .object = json else { throw HTTPError.badRequest("The request body must be a JSON object", detail: "body") }
        self.json = json
    }

    /// A string of at most `maxBytes` UTF-8 bytes (and not empty, unless `allowEmpty`).
    public func string(_ name: String, maxBytes: Int = 1024, allowEmpty: Bool = false) throws(HTTPError) -> String {
        guard let value = try optionalString(name, maxBytes: maxBytes) else {
            throw HTTPError.badRequest("Missing field '\(name)'", detail: name)
        }
        if value.isEmpty && !allowEmpty { throw HTTPError.badRequest("Field '\(name)' must not be empty", detail: name) }
        return value
    }

    /// A string field that may be absent or null.
    public func optionalString(_ name: String, maxBytes: Int = 1024) throws(HTTPError) -> String? {
        switch json[name] {
        case nil, .null?: return nil
        case .string(let value)?:
            guard value.utf8.count <= maxBytes else {
                throw HTTPError.badRequest("Field '\(name)' is longer than \(maxBytes) bytes", detail: name)
            }
            guard !value.unicodeScalars.contains(where: { $0.value == 0 }) else {
                throw HTTPError.badRequest("Field '\(name)' holds a NUL character", detail: name)
            }
            return value
        default: throw HTTPError.badRequest("Wrong type for field '\(name)': expected a string", detail: name)
        }
    }

    /// A boolean field; absent or null is `fallback`.
    public func bool(_ name: String, default fallback: Bool = false) throws(HTTPError) -> Bool {
        switch json[name] {
        case nil, .null?: return fallback
        case .bool(let value)?: return value
        default: throw HTTPError.badRequest("Wrong type for field '\(name)': expected true or false", detail: name)
        }
    }

    /// An integer field within `range`; absent or null is nil.
    public func optionalInt(_ name: String, in range: ClosedRange<Int64>) throws(HTTPError) -> Int64? {
        switch json[name] {
        case nil, .null?: return nil
        case let value?:
            guard let number = value.intValue, range.contains(number), value.doubleValue.map({ $0.rounded() == $0 }) ?? false else {
                throw HTTPError.badRequest("Field '\(name)' must be an integer from \(range.lowerBound) to \(range.upperBound)", detail: name)
            }
            return number
        }
    }

    /// An array of strings, each at most `maxBytes`, at most `maxCount` of them; absent or null is nil.
    public func optionalStrings(_ name: String, maxCount: Int = 64, maxBytes: Int = 128) throws(HTTPError) -> [String]? {
        switch json[name] {
        case nil, .null?: return nil
        case .array(let items)?:
            guard items.count <= maxCount else { throw HTTPError.badRequest("Field '\(name)' holds more than \(maxCount) items", detail: name) }
            var strings: [String] = []
            for item in items {
                guard case .string(let value) = item, value.utf8.count <= maxBytes, !value.isEmpty else {
                    throw HTTPError.badRequest("Field '\(name)' must hold strings of 1 to \(maxBytes) bytes", detail: name)
                }
                strings.append(value)
            }
            return strings
        default: throw HTTPError.badRequest("Wrong type for field '\(name)': expected an array of strings", detail: name)
        }
    }
}

extension Request {
    /// The body as a JSON object's fields (`json()` first: strict, required).
    public func fields() throws(HTTPError) -> BodyFields {
        try BodyFields(json())
    }

    /// The body's fields where the body may be left out (`{}`).
    public func optionalFields() throws(HTTPError) -> BodyFields {
        try BodyFields(optionalJSON())
    }

    /// Where the request came from: the client address and its `User-Agent`.
    public var userAgent: String? { headers["User-Agent"] }
}
