public import Core

/// An error a handler throws to answer with a 4xx/5xx. The server renders every error, this one and
/// any other, into the one error shape of DESIGN §6 in exactly one place (`ErrorResponder`).
public struct HTTPError: Error, Sendable, CustomStringConvertible {
    public let status: Int
    public let code: String
    public let message: String
    public let detail: String?
    /// Extra response headers, e.g. `Allow` on a 405 or `Retry-After` on a 429.
    public let headers: [(String, String)]
    /// Extra members merged into the error body, e.g. a documented `set-token` error string.
    public let extra: [String: JSON]

    public init(
        status: Int, code: String, message: String, detail: String? = nil, headers: [(String, String)] = [],
        extra: [String: JSON] = [:]
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.detail = detail
        self.headers = headers
        self.extra = extra
    }

    public var description: String { "\(status) \(code): \(message)" + (detail.map { " (\($0))" } ?? "") }

    public static func badRequest(_ message: String, detail: String? = nil) -> HTTPError {
        HTTPError(status: 400, code: "VALIDATION_ERROR", message: message, detail: detail)
    }
    public static func unauthorized(_ message: String = "Missing or invalid auth token") -> HTTPError {
        HTTPError(status: 401, code: "UNAUTHORIZED", message: message, headers: [("WWW-Authenticate", "Bearer")])
    }
    public static func forbidden(_ message: String = "Insufficient permissions") -> HTTPError {
        HTTPError(status: 403, code: "FORBIDDEN", message: message)
    }
    public static func notFound(_ message: String = "Resource not found", detail: String? = nil) -> HTTPError {
        HTTPError(status: 404, code: "NOT_FOUND", message: message, detail: detail)
    }
    public static func methodNotAllowed(allowed: [String]) -> HTTPError {
        HTTPError(
            status: 405, code: "METHOD_NOT_ALLOWED", message: "Method not allowed",
            detail: "Allowed: \(allowed.joined(separator: ", "))", headers: [("Allow", allowed.joined(separator: ", "))])
    }
    public static func conflict(_ message: String, detail: String? = nil) -> HTTPError {
        HTTPError(status: 409, code: "CONFLICT", message: message, detail: detail)
    }
    public static func payloadTooLarge(limit: Int) -> HTTPError {
        HTTPError(status: 413, code: "PAYLOAD_TOO_LARGE", message: "Request body too large", detail: "Limit is \(limit) bytes")
    }
    public static func tooManyRequests(retryAfter seconds: Int) -> HTTPError {
        HTTPError(
            status: 429, code: "RATE_LIMIT_EXCEEDED", message: "Too many requests", detail: "Retry after \(seconds) s",
            headers: [("Retry-After", String(seconds))])
    }
    public static func serverError(_ message: String = "Internal server error") -> HTTPError {
        HTTPError(status: 500, code: "SERVER_ERROR", message: message)
    }
    public static func unavailable(_ message: String, code: String = "SERVICE_UNAVAILABLE") -> HTTPError {
        HTTPError(status: 503, code: code, message: message)
    }
    public static func badGateway(_ message: String, detail: String? = nil) -> HTTPError {
        HTTPError(status: 502, code: "UPSTREAM_ERROR", message: message, detail: detail)
    }
}

/// An error of a feature module that knows its own answer (a store's "not found" as 404, a duplicate
/// name as 409), so handlers can throw it as it is and the one responder renders it.
public protocol HTTPErrorConvertible: Error {
    var httpError: HTTPError { get }
}
