import Core
import FoundationEssentials
import Testing

struct JSONTests {
    @Test(arguments: [
        ("{\"a\":1}", JSON.object(["a": 1])),
        ("[true,null,\"x\"]", JSON.array([true, nil, "x"])),
        ("1.5", JSON.double(1.5)),
        ("-7", JSON.int(-7)),
    ])
    func decodes(_ text: String, expected: JSON) throws {
        #expect(try JSON.decode(Array(text.utf8)) == expected)
    }

    @Test func encodesWithSortedKeys() {
        let value: JSON = ["b": 1, "a": ["x", 2.5], "c": nil]
        #expect(String(decoding: value.encoded(), as: UTF8.self) == "{\"a\":[\"x\",2.5],\"b\":1,\"c\":null}")
    }

    @Test func rejectsMalformed() {
        #expect(throws: (any Error).self) { try JSON.decode(Array("{\"a\":".utf8)) }
    }
}

/// `encoded()` writes JSON directly; its bytes are the ones `JSONEncoder` writes with sorted keys and
/// unescaped slashes, which every answer and stored document has used so far.
struct JSONEncodingTests {
    @Test func directEncodingMatchesJSONEncoder() throws {
        let document: JSON = [
            "b": 1, "B": 2, "a": 3, "A": 4, "ab": 5, "a_": 6, "10": 7, "9": 8, "": 9, "é": 10, "e": 11,
            "numbers": [1.0, 0.1, 1e-5, 1e21, -0.0, 123456789.125, 1e300, 3.0e-7, 100.5, .double(.infinity)],
            "integers": [.int(.min), 0, .int(.max)],
            "text": "a\"b\\c/d\n\r\t\u{08}\u{0C}\u{01}\u{1F}\u{7F}é\u{2028}😀",
            "nested": ["x": [true, false, nil, [:], []]],
        ]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let expected = try Array(encoder.encode(document))
        #expect(String(decoding: document.encoded(), as: UTF8.self) == String(decoding: expected, as: UTF8.self))
    }
}
