/// A strict RFC 9112 request-head parser over the connection's bytes. It accepts what the RFC says a
/// request is and refuses everything a lenient parser would guess at, because a guess that differs from
/// a proxy's in front of us is request smuggling: CRLF only (a bare CR or LF is a 400), no whitespace
/// before a field's colon, no obs-fold, no control characters, exactly one `Host` in HTTP/1.1, one
/// `Content-Length` value (or a list of equal ones), `chunked` last and never beside `Content-Length`.
/// Every refusal closes the connection, since the framing of what follows is in doubt.
enum HeadParser {
    enum Outcome {
        /// No complete head yet, and nothing wrong so far.
        case incomplete
        /// The head, and the bytes it took (leading empty lines included).
        case complete(RequestHead, length: Int)
        case refused(HTTPError)
    }

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, limits: ParserLimits) -> Outcome {
        // RFC 9112 §2.2: at least one empty line before the request line is ignored.
        var start = 0
        while start + 1 < bytes.count, bytes[start] == cr, bytes[start + 1] == lf, start < 8 { start += 2 }
        var lines: [Range<Int>] = []
        // One allocation for a browser's head instead of a reallocation at 1, 2, 4 and 8 lines.
        lines.reserveCapacity(16)
        var position = start
        while true {
            guard let end = lineEnd(bytes, from: position) else {
                // No LF yet: a bare CR so far is already wrong; a head past its limits never will be right.
                if let bareCR = bareCarriageReturn(bytes, from: position, to: bytes.count) { return .refused(.malformed(bareCR)) }
                let lineLength = bytes.count - position
                if lines.isEmpty && lineLength > limits.maxRequestLine { return .refused(uriTooLong(limits)) }
                if bytes.count - start > limits.maxHeaderBytes { return .refused(headTooLarge(limits)) }
                return .incomplete
            }
            switch end {
            case .bareLF:
                return .refused(.malformed("A line ends with a bare LF; lines end with CRLF"))
            case .crlf(let contentEnd):
                if let bareCR = bareCarriageReturn(bytes, from: position, to: contentEnd) { return .refused(.malformed(bareCR)) }
                if lines.isEmpty && contentEnd - position > limits.maxRequestLine { return .refused(uriTooLong(limits)) }
                if contentEnd + 2 - start > limits.maxHeaderBytes { return .refused(headTooLarge(limits)) }
                if contentEnd == position && !lines.isEmpty {
                    return finish(bytes, lines: lines, length: contentEnd + 2, limits: limits)
                }
                if lines.count > limits.maxHeaderCount {
                    return .refused(
                        HTTPError(
                            status: 431, code: "HEADERS_TOO_LARGE", message: "Too many header fields",
                            detail: "Limit is \(limits.maxHeaderCount) fields"))
                }
                lines.append(position..<contentEnd)
                position = contentEnd + 2
            }
        }
    }

    // MARK: Lines

    static let cr: UInt8 = 13
    static let lf: UInt8 = 10
    static let space: UInt8 = 32
    static let tab: UInt8 = 9

    private enum LineEnd {
        case crlf(contentEnd: Int)
        case bareLF
    }

    private static func lineEnd(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> LineEnd? {
        var index = start
        while index < bytes.count {
            if bytes[index] == lf {
                return index > start && bytes[index - 1] == cr ? .crlf(contentEnd: index - 1) : .bareLF
            }
            index += 1
        }
        return nil
    }

    /// A CR not followed by LF in `start..<end` (the CR of a line's CRLF is outside the range).
    private static func bareCarriageReturn(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> String? {
        var index = start
        while index < end {
            // The CR of the line's own CRLF may be the last byte received so far.
            if bytes[index] == cr && !(index == bytes.count - 1) { return "A bare CR inside a line" }
            index += 1
        }
        return nil
    }

    private static func uriTooLong(_ limits: ParserLimits) -> HTTPError {
        HTTPError(status: 414, code: "URI_TOO_LONG", message: "Request line too long", detail: "Limit is \(limits.maxRequestLine) bytes")
    }

    private static func headTooLarge(_ limits: ParserLimits) -> HTTPError {
        HTTPError(status: 431, code: "HEADERS_TOO_LARGE", message: "Request headers too large", detail: "Limit is \(limits.maxHeaderBytes) bytes")
    }

    // MARK: The head

    private static func finish(_ bytes: UnsafeBufferPointer<UInt8>, lines: [Range<Int>], length: Int, limits: ParserLimits) -> Outcome {
        let requestLine: RequestLine
        switch parseRequestLine(bytes, lines[0]) {
        case .success(let line): requestLine = line
        case .failure(let error): return .refused(error)
        }
        var headers = Headers()
        headers.reserve(lines.count - 1)
        for line in lines.dropFirst() {
            switch parseField(bytes, line) {
            case .success(let field): headers.add(field.name, field.value)
            case .failure(let error): return .refused(error)
            }
        }
        switch FramingRules.decide(headers: headers, minorVersion: requestLine.minorVersion, limits: limits) {
        case .failure(let error):
            return .refused(error)
        case .success(let decision):
            let head = RequestHead(
                method: requestLine.method, target: requestLine.target, path: requestLine.path, query: requestLine.query,
                minorVersion: requestLine.minorVersion, headers: headers, framing: decision.framing, keepAlive: decision.keepAlive,
                expectsContinue: decision.expectsContinue)
            if requestLine.target == "*" && requestLine.method != "OPTIONS" {
                return .refused(.malformed("The asterisk-form target is for OPTIONS only"))
            }
            return .complete(head, length: length)
        }
    }

    private struct RequestLine {
        var method: String
        var target: String
        var path: String
        var query: [String: String]
        var minorVersion: Int
    }

    /// `method SP request-target SP HTTP-version`, one space each.
    private static func parseRequestLine(_ bytes: UnsafeBufferPointer<UInt8>, _ line: Range<Int>) -> Result<RequestLine, HTTPError> {
        var index = line.lowerBound
        while index < line.upperBound, isTokenByte(bytes[index]) { index += 1 }
        guard index > line.lowerBound, index < line.upperBound, bytes[index] == space else {
            return .failure(.malformed("The request line is not 'METHOD target HTTP/1.1'"))
        }
        let method = text(bytes, line.lowerBound..<index)
        let targetStart = index + 1
        index = targetStart
        while index < line.upperBound, bytes[index] > space, bytes[index] < 0x7F { index += 1 }
        guard index > targetStart, index < line.upperBound, bytes[index] == space else {
            return .failure(.malformed("The request target is empty or holds a byte a URI cannot"))
        }
        let targetRange = targetStart..<index
        let versionRange = (index + 1)..<line.upperBound
        let minorVersion: Int
        switch parseVersion(bytes, versionRange) {
        case .success(let minor): minorVersion = minor
        case .failure(let error): return .failure(error)
        }
        let target = text(bytes, targetRange)
        let pathRange: Range<Int>
        let first = bytes[targetStart]
        if first == UInt8(ascii: "/") {
            pathRange = targetRange
        } else if target == "*" {
            return .success(RequestLine(method: method, target: target, path: "*", query: [:], minorVersion: minorVersion))
        } else if let authorityEnd = absoluteFormPathStart(bytes, targetRange) {
            pathRange = authorityEnd..<targetRange.upperBound
        } else {
            return .failure(.malformed("The request target must be a path, an absolute URI, or * for OPTIONS"))
        }
        var queryStart = pathRange.upperBound
        for position in pathRange where bytes[position] == UInt8(ascii: "?") {
            queryStart = position
            break
        }
        // An absolute-form target without a path ("http://box") asks for "/".
        let rawPath = pathRange.lowerBound..<queryStart
        guard let path = rawPath.isEmpty ? "/" : PercentDecoding.path(bytes, rawPath) else {
            return .failure(.malformed("The path holds a bad percent-escape, an escaped NUL or bytes that are not UTF-8"))
        }
        let query = queryStart < pathRange.upperBound ? PercentDecoding.query(bytes, (queryStart + 1)..<pathRange.upperBound) : [:]
        return .success(RequestLine(method: method, target: target, path: path, query: query, minorVersion: minorVersion))
    }

    /// `HTTP/1.1`, `HTTP/1.0`; a later 1.x is answered as 1.1, another major version is a 505.
    private static func parseVersion(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Result<Int, HTTPError> {
        let start = range.lowerBound
        guard range.count == 8, bytes[start] == UInt8(ascii: "H"), bytes[start + 1] == UInt8(ascii: "T"), bytes[start + 2] == UInt8(ascii: "T"),
            bytes[start + 3] == UInt8(ascii: "P"), bytes[start + 4] == UInt8(ascii: "/"),
            isDigit(bytes[range.lowerBound + 5]), bytes[range.lowerBound + 6] == UInt8(ascii: "."), isDigit(bytes[range.lowerBound + 7])
        else {
            return .failure(.malformed("The HTTP version is not 'HTTP/<digit>.<digit>'"))
        }
        guard bytes[range.lowerBound + 5] == UInt8(ascii: "1") else {
            return .failure(
                HTTPError(
                    status: 505, code: "HTTP_VERSION_NOT_SUPPORTED", message: "HTTP version not supported",
                    detail: "This server speaks HTTP/1.1 and HTTP/1.0"))
        }
        return .success(bytes[range.lowerBound + 7] == UInt8(ascii: "0") ? 0 : 1)
    }

    /// Where the path of an absolute-form target (`http://authority/path`) starts, or nil when it is not one.
    private static func absoluteFormPathStart(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
        let target = text(bytes, range).lowercased()
        let schemeLength: Int
        if target.hasPrefix("http://") {
            schemeLength = 7
        } else if target.hasPrefix("https://") {
            schemeLength = 8
        } else {
            return nil
        }
        var index = range.lowerBound + schemeLength
        guard index < range.upperBound else { return nil }
        while index < range.upperBound, bytes[index] != UInt8(ascii: "/"), bytes[index] != UInt8(ascii: "?") { index += 1 }
        return index == range.lowerBound + schemeLength ? nil : index
    }

    /// `field-name ":" OWS field-value OWS`: the name a token with the colon right after it, the value
    /// visible characters, spaces, tabs and obs-text only.
    private static func parseField(_ bytes: UnsafeBufferPointer<UInt8>, _ line: Range<Int>) -> Result<(name: String, value: String), HTTPError> {
        let first = bytes[line.lowerBound]
        if first == space || first == tab {
            return .failure(.malformed("A header line starts with whitespace (obs-fold is not accepted)"))
        }
        var index = line.lowerBound
        while index < line.upperBound, isTokenByte(bytes[index]) { index += 1 }
        guard index < line.upperBound, bytes[index] == UInt8(ascii: ":") else {
            if index < line.upperBound, bytes[index] == space || bytes[index] == tab {
                return .failure(.malformed("Whitespace between a header name and its colon"))
            }
            return .failure(.malformed("A header line is not 'Name: value' with a token name"))
        }
        guard index > line.lowerBound else { return .failure(.malformed("A header line has an empty name")) }
        let name = text(bytes, line.lowerBound..<index)
        var valueStart = index + 1
        var valueEnd = line.upperBound
        while valueStart < valueEnd, bytes[valueStart] == space || bytes[valueStart] == tab { valueStart += 1 }
        while valueEnd > valueStart, bytes[valueEnd - 1] == space || bytes[valueEnd - 1] == tab { valueEnd -= 1 }
        for position in valueStart..<valueEnd {
            let byte = bytes[position]
            if byte < space && byte != tab || byte == 0x7F {
                return .failure(.malformed("Header '\(name)' holds a control character"))
            }
        }
        return .success((name, text(bytes, valueStart..<valueEnd)))
    }

    // MARK: Bytes

    /// tchar of RFC 9110 §5.6.2.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        tokenTable[Int(byte)]
    }

    private static let tokenTable: [Bool] = (0..<256).map { value in
        let byte = UInt8(value)
        if isDigit(byte) { return true }
        if (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) { return true }
        return Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    static func text(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }
}
