/// What a request's fields decide about its message: the body's framing (RFC 9112 §6), whether the
/// connection persists (§9.3), `Expect`, and the one `Host` (RFC 9112 §3.2). Refusals close the connection.
enum FramingRules {
    struct Decision {
        var framing: BodyFraming
        var keepAlive: Bool
        var expectsContinue: Bool
    }

    static func decide(headers: Headers, minorVersion: Int, limits: ParserLimits) -> Result<Decision, HTTPError> {
        var hosts = 0
        var lengths: [String] = []
        var hasContentLength = false
        var codings: [String] = []
        var hasTransferEncoding = false
        var connectionTokens: [String] = []
        var expectation: String?
        for (name, value) in headers.fields {
            switch name.utf8.count {
            case 4 where Headers.same(name, "Host"):
                hosts += 1
            case 14 where Headers.same(name, "Content-Length"):
                hasContentLength = true
                lengths.append(contentsOf: listElements(value))
            case 17 where Headers.same(name, "Transfer-Encoding"):
                hasTransferEncoding = true
                codings.append(contentsOf: listElements(value).map { $0.lowercased() })
            case 10 where Headers.same(name, "Connection"):
                connectionTokens.append(contentsOf: listElements(value).map { $0.lowercased() })
            case 6 where Headers.same(name, "Expect"):
                if expectation != nil { return .failure(.malformed("More than one Expect field")) }
                expectation = value.lowercased()
            default:
                break
            }
        }
        if minorVersion >= 1 && hosts != 1 {
            return .failure(.malformed(hosts == 0 ? "An HTTP/1.1 request needs a Host field" : "More than one Host field"))
        }
        if hosts > 1 { return .failure(.malformed("More than one Host field")) }

        var framing = BodyFraming.none
        if hasTransferEncoding {
            if minorVersion == 0 { return .failure(.malformed("Transfer-Encoding in an HTTP/1.0 request")) }
            if hasContentLength { return .failure(.malformed("Both Content-Length and Transfer-Encoding")) }
            if let unknown = codings.first(where: { $0 != "chunked" }) {
                return .failure(
                    HTTPError(
                        status: 501, code: "NOT_IMPLEMENTED", message: "Unsupported transfer coding",
                        detail: "'\(unknown.prefix(64))' is not supported; only chunked is"))
            }
            guard codings.count == 1 else { return .failure(.malformed("Transfer-Encoding must name chunked exactly once")) }
            framing = .chunked
        } else if hasContentLength {
            switch contentLength(lengths, limits: limits) {
            case .success(let length): framing = length > 0 ? .length(length) : .none
            case .failure(let error): return .failure(error)
            }
        }

        let keepAlive =
            connectionTokens.contains("close") ? false : (minorVersion >= 1 || connectionTokens.contains("keep-alive"))
        var expectsContinue = false
        if let expectation {
            guard expectation == "100-continue" else {
                return .failure(
                    HTTPError(status: 417, code: "EXPECTATION_FAILED", message: "Unsupported expectation", detail: "Only 100-continue is"))
            }
            expectsContinue = minorVersion >= 1 && framing != .none
        }
        return .success(Decision(framing: framing, keepAlive: keepAlive, expectsContinue: expectsContinue))
    }

    /// Every value of every `Content-Length` field must be the same run of digits.
    private static func contentLength(_ values: [String], limits: ParserLimits) -> Result<Int, HTTPError> {
        guard let first = values.first, values.allSatisfy({ $0 == first }) else {
            return .failure(.malformed("Content-Length values differ"))
        }
        guard !first.isEmpty, first.utf8.allSatisfy(HeadParser.isDigit) else {
            return .failure(.malformed("Content-Length is not a run of digits"))
        }
        guard first.utf8.count <= 18, let length = Int(first), length <= limits.maxBodyBytes else {
            return .failure(HTTPError.payloadTooLarge(limit: limits.maxBodyBytes))
        }
        return .success(length)
    }

    /// The elements of a comma-separated field value, trimmed, empty ones dropped (RFC 9110 §5.6.1).
    static func listElements(_ value: String) -> [String] {
        value.utf8.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: true).compactMap { element in
            var slice = element
            while let first = slice.first, first == HeadParser.space || first == HeadParser.tab { slice = slice.dropFirst() }
            while let last = slice.last, last == HeadParser.space || last == HeadParser.tab { slice = slice.dropLast() }
            return slice.isEmpty ? nil : String(decoding: slice, as: UTF8.self)
        }
    }
}
