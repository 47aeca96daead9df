public import Core
import FoundationEssentials

/// An HTTP response as handlers build it.
public struct Response: Sendable {
    public var status: Int
    public var headers: Headers
    public var body: [UInt8]

    public init(status: Int = 200, headers: Headers = Headers(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON document.
    public static func json(_ value: JSON, status: Int = 200) -> Response {
        Response(status: status, headers: Headers([("Content-Type", "application/json")]), body: value.encoded())
    }

    /// Any `Encodable` value as JSON.
    public static func json<T: Encodable>(encoding value: T, status: Int = 200) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let body = (try? Array(encoder.encode(value))) ?? Array("null".utf8)
        return Response(status: status, headers: Headers([("Content-Type", "application/json")]), body: body)
    }

    /// Plain text.
    public static func text(_ text: String, status: Int = 200) -> Response {
        Response(status: status, headers: Headers([("Content-Type", "text/plain; charset=utf-8")]), body: Array(text.utf8))
    }

    /// `{"success": true}` plus any extra members.
    public static func success(_ extra: [String: JSON] = [:], status: Int = 200) -> Response {
        var members = extra
        members["success"] = true
        return .json(.object(members), status: status)
    }

    /// No body (204, or HEAD answers).
    public static func empty(status: Int = 204) -> Response {
        Response(status: status)
    }
}
