import Testing

@testable import HTTP

/// The strict parser on its own: what it makes of an accepted head, and that it waits for the rest of a
/// head without refusing too early (a CR at the end of what arrived may be half of a CRLF).
struct HeadParserTests {
    static func parse(_ text: String, limits: ParserLimits = ParserLimits()) -> HeadParser.Outcome {
        Array(text.utf8).withUnsafeBufferPointer { HeadParser.parse($0, limits: limits) }
    }

    @Test func anAcceptedHead() throws {
        let text = "POST /api/a%20b/c?x=1&y=a+b&z=%41&x=2&flag HTTP/1.1\r\nHost: box\r\nContent-Length: 2\r\nX-Pad:  v  \r\n\r\nhi"
        guard case .complete(let head, let length) = Self.parse(text) else {
            Issue.record("not accepted")
            return
        }
        #expect(length == text.utf8.count - 2)
        #expect(head.method == "POST")
        #expect(head.path == "/api/a b/c")
        #expect(head.query == ["x": "2", "y": "a b", "z": "A", "flag": ""])
        #expect(head.minorVersion == 1)
        #expect(head.framing == .length(2))
        #expect(head.keepAlive)
        #expect(head.headers["x-pad"] == "v")
        #expect(head.headers["HOST"] == "box")
    }

    @Test(arguments: ["", "GET", "GET / HTTP/1.1\r", "GET / HTTP/1.1\r\nHost: x\r\n", "GET / HTTP/1.1\r\nHost: x\r\n\r"])
    func partialHeadsWait(_ text: String) {
        guard case .incomplete = Self.parse(text) else {
            Issue.record("'\(text)' was not left incomplete")
            return
        }
    }

    @Test func limitsAreCheckedBeforeTheHeadEnds() {
        let limits = ParserLimits(maxRequestLine: 64, maxHeaderBytes: 256)
        guard case .refused(let long) = Self.parse("GET /" + String(repeating: "a", count: 100), limits: limits) else {
            Issue.record("a long request line was not refused early")
            return
        }
        #expect(long.status == 414)
        guard case .refused(let large) = Self.parse("GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: 300), limits: limits) else {
            Issue.record("a large head was not refused early")
            return
        }
        #expect(large.status == 431)
    }

    @Test func persistenceFollowsTheVersionAndConnection() {
        let cases: [(String, Bool)] = [
            ("GET / HTTP/1.1\r\nHost: x\r\n\r\n", true),
            ("GET / HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, close\r\n\r\n", false),
            ("GET / HTTP/1.0\r\n\r\n", false),
            ("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", true),
        ]
        for (text, keepAlive) in cases {
            guard case .complete(let head, _) = Self.parse(text) else {
                Issue.record("'\(text)' not accepted")
                continue
            }
            #expect(head.keepAlive == keepAlive, "\(text)")
        }
    }

    @Test func aChunkedBodyArrivingByteByByte() {
        let wire = Array("5;a=b\r\nhello\r\n6\r\n world\r\n0\r\nX-T: 1\r\n\r\nNEXT".utf8)
        var decoder = ChunkedBody()
        var body: [UInt8] = []
        var pending: [UInt8] = []
        var finishedAt: Int?
        for (index, byte) in wire.enumerated() where finishedAt == nil {
            pending.append(byte)
            var consumed = 0
            let outcome = pending.withUnsafeBufferPointer { decoder.decode($0, into: &body, consumed: &consumed, limits: ParserLimits()) }
            pending.removeFirst(consumed)
            switch outcome {
            case .needMore: continue
            case .done: finishedAt = index
            case .refused(let error): Issue.record("refused: \(error)")
            }
        }
        #expect(String(decoding: body, as: UTF8.self) == "hello world")
        #expect(finishedAt == wire.count - 5)
    }
}
