import Core
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
