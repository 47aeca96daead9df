/// How a request's body is framed (RFC 9112 §6.3): none, a `Content-Length`, or `chunked`.
enum BodyFraming: Sendable, Equatable {
    case none
    case length(Int)
    case chunked
}

/// A request line and header section the parser accepted, with what the framing rules decided.
struct RequestHead: Sendable {
    var method: String
    /// The request-target as sent (origin-form, absolute-form or `*`).
    var target: String
    /// The percent-decoded path of the target, without its query.
    var path: String
    /// Query arguments, percent-decoded (`+` is a space); the last of a repeated name wins.
    var query: [String: String]
    /// 0 for HTTP/1.0, 1 for HTTP/1.1 (and later 1.x, answered as 1.1).
    var minorVersion: Int
    var headers: Headers
    var framing: BodyFraming
    /// Whether the connection may carry another request after this one (RFC 9112 §9.3).
    var keepAlive: Bool
    /// `Expect: 100-continue`: the client waits for a `100 Continue` before it sends the body.
    var expectsContinue: Bool
}

/// The limits the parser enforces while it reads a request head and a chunked body.
struct ParserLimits: Sendable {
    /// Longest request line, CRLF excluded (414 past it).
    var maxRequestLine = 8 << 10
    /// Largest head: request line, fields and the CRLFs (431 past it).
    var maxHeaderBytes = 16 << 10
    /// Most header fields (431 past it).
    var maxHeaderCount = 100
    /// Largest body (413 past it, on `Content-Length` and while a chunked body streams).
    var maxBodyBytes = 1 << 20
    /// Longest chunk-size line, extensions included (400 past it).
    var maxChunkLine = 1 << 10
    /// Largest trailer section of a chunked body (400 past it).
    var maxTrailerBytes = 4 << 10
}

/// What the parser refused: an answer in the error shape, after which the connection closes.
extension HTTPError {
    static func malformed(_ detail: String) -> HTTPError {
        HTTPError(status: 400, code: "MALFORMED_REQUEST", message: "Malformed HTTP request", detail: detail)
    }
}
