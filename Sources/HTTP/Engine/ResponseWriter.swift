#if canImport(Glibc)
    import Glibc
#endif

/// Serialises a `Response` onto a connection's output: the status line and the headers every answer
/// carries come from tables built once, so answering allocates nothing for what never changes.
enum ResponseWriter {
    /// What frames one answer besides the response itself.
    struct Framing {
        var requestID: String
        /// HEAD: the headers a GET would get, no body.
        var headOnly: Bool
        /// Ends with `Connection: close`; otherwise an HTTP/1.0 client is told `keep-alive`.
        var close: Bool
        var minorVersion: Int
    }

    static func append(_ response: Response, framing: Framing, date: [UInt8], to output: inout [UInt8]) {
        let status = response.status
        output.append(contentsOf: statusLine(status))
        output.append(contentsOf: date)
        var setByResponse: UInt8 = 0
        for (name, value) in response.headers.fields where isSafe(name) && isSafe(value) && !isFraming(name) {
            for (bit, header) in defaultHeaders.enumerated() where Headers.same(header.name, name) { setByResponse |= 1 << bit }
            output.append(contentsOf: name.utf8)
            output.append(contentsOf: colonSpace)
            output.append(contentsOf: value.utf8)
            output.append(contentsOf: crlf)
        }
        output.append(contentsOf: requestIDName)
        output.append(contentsOf: framing.requestID.utf8)
        output.append(contentsOf: crlf)
        for (bit, header) in defaultHeaders.enumerated() where setByResponse & (1 << bit) == 0 {
            output.append(contentsOf: header.line)
        }
        if status == 101 {
            output.append(contentsOf: upgradeConnection)
        } else {
            // RFC 9110 §8.6: no Content-Length on 1xx and 204 answers, nor on a 304 (it would have to be
            // the length of the representation, which a 304 does not carry).
            if status >= 200 && status != 204 && status != 304 {
                output.append(contentsOf: contentLengthName)
                appendDecimal(response.body.count, to: &output)
                output.append(contentsOf: crlf)
            }
            if framing.close {
                output.append(contentsOf: connectionClose)
            } else if framing.minorVersion == 0 {
                output.append(contentsOf: connectionKeepAlive)
            }
        }
        output.append(contentsOf: crlf)
        if !framing.headOnly && status >= 200 && status != 204 && status != 304 {
            output.append(contentsOf: response.body)
        }
    }

    /// The interim answer to `Expect: 100-continue`.
    static let continueLine: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    // MARK: Tables

    private static let crlf: [UInt8] = [13, 10]
    private static let colonSpace: [UInt8] = [58, 32]
    private static let requestIDName: [UInt8] = Array("X-Request-ID: ".utf8)
    private static let contentLengthName: [UInt8] = Array("Content-Length: ".utf8)
    private static let connectionClose: [UInt8] = Array("Connection: close\r\n".utf8)
    private static let connectionKeepAlive: [UInt8] = Array("Connection: keep-alive\r\n".utf8)
    private static let upgradeConnection: [UInt8] = Array("Connection: Upgrade\r\n".utf8)

    /// Security headers, and `Cache-Control: no-store` (API answers carry secrets such as the setup
    /// token), each sent unless the response set its own (static files set their caching).
    static let defaultFields: [(String, String)] = [
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "no-referrer"),
        ("Cache-Control", "no-store"),
    ]
    private static let defaultHeaders: [(name: String, line: [UInt8])] = defaultFields.map { ($0.0, Array("\($0.0): \($0.1)\r\n".utf8)) }

    private static let statusLines: [Int: [UInt8]] = {
        var lines: [Int: [UInt8]] = [:]
        for (status, reason) in reasons { lines[status] = Array("HTTP/1.1 \(status) \(reason)\r\n".utf8) }
        return lines
    }()

    private static func statusLine(_ status: Int) -> [UInt8] {
        statusLines[status] ?? Array("HTTP/1.1 \(status) Status \(status)\r\n".utf8)
    }

    static let reasons: [Int: String] = [
        100: "Continue", 101: "Switching Protocols", 200: "OK", 201: "Created", 202: "Accepted", 204: "No Content",
        206: "Partial Content", 301: "Moved Permanently", 302: "Found", 303: "See Other", 304: "Not Modified",
        307: "Temporary Redirect", 308: "Permanent Redirect", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden",
        404: "Not Found", 405: "Method Not Allowed", 406: "Not Acceptable", 408: "Request Timeout", 409: "Conflict",
        410: "Gone", 411: "Length Required", 412: "Precondition Failed", 413: "Content Too Large", 414: "URI Too Long",
        415: "Unsupported Media Type", 416: "Range Not Satisfiable", 417: "Expectation Failed", 422: "Unprocessable Content",
        423: "Locked", 426: "Upgrade Required", 428: "Precondition Required", 429: "Too Many Requests",
        431: "Request Header Fields Too Large", 500: "Internal Server Error", 501: "Not Implemented", 502: "Bad Gateway",
        503: "Service Unavailable", 504: "Gateway Timeout", 505: "HTTP Version Not Supported", 507: "Insufficient Storage",
    ]

    // MARK: Helpers

    /// The server frames the message itself; a handler's own framing fields are dropped.
    private static func isFraming(_ name: String) -> Bool {
        Headers.same(name, "Content-Length") || Headers.same(name, "Transfer-Encoding") || Headers.same(name, "Connection")
    }

    /// A name or value with a CR, LF or NUL would split the response; such a field is dropped.
    private static func isSafe(_ text: String) -> Bool {
        !text.utf8.contains { $0 == 13 || $0 == 10 || $0 == 0 }
    }

    static func appendDecimal(_ value: Int, to output: inout [UInt8]) {
        if value < 10 {
            output.append(UInt8(0x30 + value))
            return
        }
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        var rest = value
        withUnsafeMutableBytes(of: &digits) { buffer in
            while rest > 0 && count < 20 {
                buffer[19 - count] = UInt8(0x30 + rest % 10)
                rest /= 10
                count += 1
            }
            output.append(contentsOf: buffer[(20 - count)...])
        }
    }

    /// `Date: <IMF-fixdate>\r\n` for a second; a loop builds it once a second.
    static func dateLine(epochSeconds: Int) -> [UInt8] {
        Array("Date: \(HTTPDate.format(epochSeconds: epochSeconds))\r\n".utf8)
    }
}
