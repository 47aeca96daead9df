import Core
import Testing

/// Request bodies are RFC 8259 JSON and nothing more lenient (issue 18: trailing commas, UTF-16,
/// duplicate keys were accepted).
struct StrictJSONTests {
    @Test(
        arguments: [
            (#"{"a":1,"b":[true,false,null],"c":"x"}"#, ["a": 1, "b": [true, false, nil], "c": "x"]),
            (#" [1, -0, 2.5, 1e3, -9223372036854775808] "#, [1, 0, 2.5, 1000.0, .int(Int64.min)]),
            (#""\u00e9\ud83d\ude00\n\"\\\/""#, .string("é😀\n\"\\/")),
            ("\"é\"", .string("é")),
            ("92233720368547758080", .double(92233720368547758080)),
            ("{}", [:]),
            ("[]", []),
        ] as [(String, JSON)])
    func accepts(text: String, expected: JSON) throws {
        #expect(try JSON.parseStrict(Array(text.utf8)) == expected)
    }

    @Test(
        arguments: [
            (#"{"a":1,}"#, "expected a member name"),
            ("[1,2,]", "unexpected character"),
            (#"{"a":1,"a":2}"#, "duplicate member 'a'"),
            ("01", "leading zero"),
            ("NaN", "unexpected character"),
            ("1e999", "number out of range"),
            ("// c\n{}", "unexpected character"),
            (#"{"a":'x'}"#, "unexpected character"),
            ("\"tab\there\"", "control character"),
            (#""\ud800""#, "lone surrogate"),
            (#""\udc00x""#, "lone surrogate"),
            (#""\x41""#, "invalid escape"),
            ("{} {}", "unexpected data after"),
            ("", "empty document"),
            ("   ", "empty document"),
            (String(repeating: "[", count: 65) + String(repeating: "]", count: 65), "nested deeper than 64"),
            ("{\"a\" 1}", "expected ':'"),
            ("[1 2]", "expected ',' or ']'"),
            ("\"open", "unterminated string"),
            ("tru", "unexpected end"),
            ("1.", "expected a digit after '.'"),
            ("-", "expected a digit"),
        ] as [(String, String)])
    func refuses(text: String, reason: String) {
        #expect {
            try JSON.parseStrict(Array(text.utf8))
        } throws: { error in
            (error as? JSONSyntaxError)?.message.contains(reason) == true
        }
    }

    @Test(
        arguments: [
            ([0xEF, 0xBB, 0xBF] + Array("{}".utf8), "byte order mark"),
            ([0x7B, 0x00, 0x7D, 0x00], "not UTF-8"),
            ([0x00, 0x7B, 0x00, 0x7D], "not UTF-8"),
            ([0x22, 0xC3, 0x28, 0x22], "invalid UTF-8"),
            ([0x22, 0xED, 0xA0, 0x80, 0x22], "invalid UTF-8"),
            ([0x22, 0x61, 0x00, 0x22], "control character"),
            ([0x5B, 0xFF, 0x5D], "unexpected character"),
        ] as [([UInt8], String)])
    func refusesBytes(bytes: [UInt8], reason: String) {
        #expect {
            try JSON.parseStrict(bytes)
        } throws: { error in
            (error as? JSONSyntaxError)?.message.contains(reason) == true
        }
    }
}

/// A logged value can never forge a journal line or its `<N>` priority (issue 18: `%0a<0>` in a URL).
struct LogEscapingTests {
    @Test(
        arguments: [
            ("GET /a 200", "GET /a 200"),
            ("GET /x\n<0>forged", "GET /x\\n<0>forged"),
            ("a\r\nb\tc", "a\\r\\nb\\tc"),
            ("nul\u{0}bell\u{7}del\u{7F}", "nul\\u{00}bell\\u{07}del\\u{7F}"),
            ("c1\u{85}line", "c1\\u{85}line"),
            ("café 😀", "café 😀"),
        ] as [(String, String)])
    func controlCharactersAreEscaped(message: String, logged: String) {
        #expect(Log.escapingControlCharacters(message) == logged)
    }

    @Test func sinksReceiveOneLine() {
        final class Capture: LogSink, @unchecked Sendable {
            var lines: [String] = []
            func receive(_ entry: LogEntry) { lines.append(entry.message) }
        }
        let log = Log()
        let capture = Capture()
        log.addSink(capture)
        log.minimumLevel = .error
        log.info("request /x\n<0>forged emergency")
        #expect(capture.lines == ["request /x\\n<0>forged emergency"])
    }
}
