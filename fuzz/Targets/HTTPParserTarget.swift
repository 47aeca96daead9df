@testable import HTTP

/// The engine's strict RFC 9112 parser over arbitrary bytes, with a differential check: a head it
/// accepts, written back out in canonical form, parses to the same request with the same framing and
/// length (so no two readings of one byte stream exist); a refusal is always a 4xx/5xx in the error
/// shape's range; a chunked body behind an accepted head decodes or is refused, never crashes.
func fuzzHTTPParser(_ input: [UInt8]) {
    let limits = ParserLimits(maxRequestLine: 512, maxHeaderBytes: 2048, maxHeaderCount: 32, maxBodyBytes: 4096)
    let outcome = input.withUnsafeBufferPointer { HeadParser.parse($0, limits: limits) }
    switch outcome {
    case .incomplete:
        if input.count > limits.maxHeaderBytes + 8 { violated("an over-limit head is still incomplete", input) }
    case .refused(let error):
        if !(400...505).contains(error.status) { violated("refusal with status \(error.status)", input) }
    case .complete(let head, let length):
        if length > input.count || length <= 0 { violated("head length \(length) of \(input.count) bytes", input) }
        let canonical = HTTPParserFuzz.serialise(head)
        let again = canonical.withUnsafeBufferPointer { HeadParser.parse($0, limits: limits) }
        guard case .complete(let reparsed, let reparsedLength) = again else { violated("its canonical form is not accepted", input) }
        if reparsedLength != canonical.count { violated("canonical length \(reparsedLength) ≠ \(canonical.count)", input) }
        if reparsed.method != head.method || reparsed.target != head.target || reparsed.path != head.path || reparsed.query != head.query
            || reparsed.minorVersion != head.minorVersion || reparsed.framing != head.framing || reparsed.keepAlive != head.keepAlive
            || reparsed.expectsContinue != head.expectsContinue
            || reparsed.headers.fields.map({ "\($0.name):\($0.value)" }) != head.headers.fields.map({ "\($0.name):\($0.value)" })
        {
            violated("the canonical form reads differently", input)
        }
        if head.minorVersion == 1 && head.headers.fields.filter({ Headers.same($0.name, "Host") }).count != 1 {
            violated("HTTP/1.1 without exactly one Host accepted", input)
        }
        if case .chunked = head.framing {
            var body: [UInt8] = []
            var decoder = ChunkedBody()
            var consumed = 0
            let rest = Array(input[length...])
            let result = rest.withUnsafeBufferPointer { decoder.decode($0, into: &body, consumed: &consumed, limits: limits) }
            if consumed > rest.count || body.count > limits.maxBodyBytes { violated("chunked decoding overran", input) }
            if case .refused(let error) = result, !(400...431).contains(error.status) { violated("chunked refusal \(error.status)", input) }
        }
    }
}

enum HTTPParserFuzz {
    /// The head as a strict client writes it: one space, CRLF, `Name: value`.
    static func serialise(_ head: RequestHead) -> [UInt8] {
        var text = "\(head.method) \(head.target) HTTP/1.\(head.minorVersion)\r\n"
        for (name, value) in head.headers.fields { text += "\(name): \(value)\r\n" }
        return Array((text + "\r\n").utf8)
    }
}
