public import Core
import FoundationEssentials

/// An HTTP request as handlers see it: no C types, the body already read and bounded.
public struct Request: Sendable {
    public let method: String
    /// The decoded path, without the query string.
    public let path: String
    public let query: [String: String]
    public let headers: Headers
    public let body: [UInt8]
    public let requestID: String
    public let remoteAddress: String
    /// Values of the `{name}` segments of the matched route.
    public var parameters: [String: String]
    public var principal: Principal

    public init(
        method: String, path: String, query: [String: String] = [:], headers: Headers = Headers(), body: [UInt8] = [],
        requestID: String = "", remoteAddress: String = "", parameters: [String: String] = [:],
        principal: Principal = .anonymous
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.requestID = requestID
        self.remoteAddress = remoteAddress
        self.parameters = parameters
        self.principal = principal
    }

    /// A path parameter that the route pattern guarantees.
    public func parameter(_ name: String) -> String {
        parameters[name] ?? ""
    }

    /// The body as strict JSON (RFC 8259: UTF-8, no duplicate members, no trailing commas, …); an empty
    /// body is a 400, as is anything the strict parser refuses, with where it stopped in `detail`.
    public func json() throws(HTTPError) -> JSON {
        guard !body.isEmpty else { throw HTTPError.badRequest("A JSON request body is required") }
        do {
            return try JSON.parseStrict(body)
        } catch {
            throw HTTPError.badRequest("Request body is not valid JSON", detail: error.description)
        }
    }

    /// The body as strict JSON where the route's body is optional: an empty body is `{}`.
    public func optionalJSON() throws(HTTPError) -> JSON {
        body.isEmpty ? .object([:]) : try json()
    }

    /// The body decoded as `T`: first checked as strict JSON (`json()`), then decoded; a wrong shape is a
    /// 400 naming the field.
    public func decode<T: Decodable>(_ type: T.Type) throws(HTTPError) -> T {
        _ = try json()
        do {
            return try JSONDecoder().decode(T.self, from: Data(body))
        } catch let DecodingError.keyNotFound(key, _) {
            throw HTTPError.badRequest("Missing field '\(key.stringValue)'")
        } catch let DecodingError.typeMismatch(_, context) {
            throw HTTPError.badRequest("Wrong type for field '\(context.codingPath.map(\.stringValue).joined(separator: "."))'")
        } catch let DecodingError.valueNotFound(_, context) {
            throw HTTPError.badRequest("Missing value for field '\(context.codingPath.map(\.stringValue).joined(separator: "."))'")
        } catch {
            throw HTTPError.badRequest("Request body is not valid JSON")
        }
    }
}

/// Request or response headers: ordered, names compared case-insensitively.
public struct Headers: Sendable, Sequence {
    public private(set) var fields: [(name: String, value: String)] = []

    public init(_ fields: [(String, String)] = []) {
        self.fields = fields.map { (name: $0.0, value: $0.1) }
    }

    public subscript(name: String) -> String? {
        fields.first { Headers.same($0.name, name) }?.value
    }

    public mutating func add(_ name: String, _ value: String) {
        fields.append((name: name, value: value))
    }

    mutating func reserve(_ count: Int) {
        fields.reserveCapacity(count)
    }

    /// Replaces every field called `name` with one.
    public mutating func set(_ name: String, _ value: String) {
        fields.removeAll { Headers.same($0.name, name) }
        fields.append((name: name, value: value))
    }

    /// Whether two field names are equal ignoring ASCII case (field names are tokens: ASCII only).
    /// Compares the UTF-8 views in place: most names differ in length, and `withUTF8` on a copy
    /// retained and released both strings' storage on every call (a few per header per request).
    public static func same(_ a: String, _ b: String) -> Bool {
        let left = a.utf8
        let right = b.utf8
        guard left.count == right.count else { return false }
        for (x, y) in zip(left, right) where x != y {
            guard x | 0x20 == y | 0x20, (0x61...0x7A).contains(x | 0x20) else { return false }
        }
        return true
    }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> {
        fields.makeIterator()
    }
}
