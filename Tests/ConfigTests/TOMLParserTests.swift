import Core
import Testing

@testable import Config

struct TOMLParserTests {
    static let valid: [(String, String, [String: TOMLValue])] = [
        ("empty document", "", [:]),
        ("comment only", "# hi\n\n   # there", [:]),
        ("bare, quoted and literal keys", "a-b_1 = 1\n\"x y\" = 2\n'z.w' = 3\n\"\" = 4", ["a-b_1": 1, "x y": 2, "z.w": 3, "": 4]),
        ("dotted keys with spaces", "a . b.\"c\" = 1\na.d = 2", ["a": .table(["b": .table(["c": 1]), "d": 2])]),
        (
            "dotted keys then sub-table header", "[fruit]\napple.color = \"red\"\n[fruit.apple.texture]\nsmooth = true",
            ["fruit": .table(["apple": .table(["color": "red", "texture": .table(["smooth": true])])])]
        ),
        ("implicit table defined later", "[a.b.c]\nx = 1\n[a]\ny = 2", ["a": .table(["b": .table(["c": .table(["x": 1])]), "y": 2])]),
        (
            "array of tables", "[[p]]\nn = 1\n[p.q]\nm = 2\n[[p]]\nn = 3",
            ["p": .array([.table(["n": 1, "q": .table(["m": 2])]), .table(["n": 3])])]
        ),
        (
            "nested array of tables", "[[a]]\n[[a.b]]\nx = 1\n[[a.b]]\nx = 2",
            ["a": .array([.table(["b": .array([.table(["x": 1]), .table(["x": 2])])])])]
        ),
        ("inline tables", "t = { a = 1, b.c = \"x\", d = {} }", ["t": .table(["a": 1, "b": .table(["c": "x"]), "d": .table([:])])]),
        (
            "arrays with newlines, comments, trailing comma", "a = [\n 1, # one\n 2,\n]\nb = [[1], [\"x\", 2.5]]\nc = []",
            ["a": [1, 2], "b": [[1], ["x", 2.5]], "c": []]
        ),
        ("basic escapes", #"s = "\b\t\n\f\r\"\\ \u00E9 \U0001F600""#, ["s": "\u{08}\t\n\u{0C}\r\"\\ é 😀"]),
        ("literal strings keep backslashes", #"s = 'C:\Users\n'"#, ["s": #"C:\Users\n"#]),
        ("multi-line basic: first newline trimmed", "s = \"\"\"\nline1\nline2\"\"\"", ["s": "line1\nline2"]),
        ("multi-line basic: line-ending backslash", "s = \"\"\"\\\n   a \\  \n\n  b\"\"\"", ["s": "a b"]),
        ("multi-line basic: quotes before the end", "s = \"\"\"\"\"x\"\"\"\"\"", ["s": "\"\"x\"\""]),
        ("multi-line literal", "s = '''\nC:\\x\n''it''\n'''", ["s": "C:\\x\n''it''\n"]),
        ("multi-line CRLF normalised", "s = \"\"\"\r\na\r\nb\"\"\"\r\n", ["s": "a\nb"]),
        (
            "integers", "a = +99\nb = -17\nc = 0\nd = 1_000\ne = -0\nf = 9223372036854775807\ng = -9223372036854775808",
            ["a": 99, "b": -17, "c": 0, "d": 1000, "e": 0, "f": .integer(.max), "g": .integer(.min)]
        ),
        ("hex, octal, binary", "a = 0xDEAD_beef\nb = 0o755\nc = 0b1101\nd = 0x0", ["a": 0xDEADBEEF, "b": 0o755, "c": 13, "d": 0]),
        (
            "floats", "a = 3.14\nb = -0.01\nc = 5e+22\nd = 1e06\ne = -2E-2\nf = 6.626e-34\ng = 224_617.445_991",
            [
                "a": 3.14, "b": -0.01, "c": 5e22, "d": 1e6, "e": -0.02, "f": 6.626e-34, "g": 224617.445991,
            ]
        ),
        (
            "special floats", "a = inf\nb = +inf\nc = -inf\nd = nan\ne = -nan",
            [
                "a": .float(.infinity), "b": .float(.infinity), "c": .float(-.infinity), "d": .float(.nan), "e": .float(.nan),
            ]
        ),
        ("booleans", "a = true\nb = false", ["a": true, "b": false]),
        (
            "offset date-times",
            "a = 1979-05-27T07:32:00Z\nb = 1979-05-27T00:32:00-07:00\nc = 1979-05-27 00:32:00.999999+01:30\nd = 1979-05-27t07:32:00z",
            [
                "a": .offsetDateTime("1979-05-27T07:32:00Z"), "b": .offsetDateTime("1979-05-27T00:32:00-07:00"),
                "c": .offsetDateTime("1979-05-27T00:32:00.999999+01:30"), "d": .offsetDateTime("1979-05-27T07:32:00Z"),
            ]
        ),
        (
            "local date-time, date, time", "a = 1979-05-27T07:32:00.5\nb = 2000-02-29\nc = 00:32:00.999\nd = 23:59:60",
            [
                "a": .localDateTime("1979-05-27T07:32:00.5"), "b": .localDate("2000-02-29"), "c": .localTime("00:32:00.999"),
                "d": .localTime("23:59:60"),
            ]
        ),
        ("CRLF line ends and tabs", "a = 1\r\n\t[t]\r\n\tb = 2 # c\r\n", ["a": 1, "t": .table(["b": 2])]),
        ("unicode in comments and strings", "# ☃ comment\ns = \"ünïcødé\"", ["s": "ünïcødé"]),
        ("byte order mark", "\u{FEFF}a = 1", ["a": 1]),
        ("keys that look like numbers", "1234 = 1\n3.14 = 2", ["1234": 1, "3": .table(["14": 2])]),
        ("table headers with quoted keys", "[\"a.b\" . c]\nx = 1", ["a.b": .table(["c": .table(["x": 1])])]),
        (
            "quotes right after the opening and before the closing", #"a = """"x""""\#nb = '''''y'''''\#nc = """a'''b""""#,
            ["a": "\"x\"", "b": "''y''", "c": "a'''b"]
        ),
        (
            "years 0000 and 9999", "a = 0000-01-01 00:00:00Z\nb = 9999-12-31",
            ["a": .offsetDateTime("0000-01-01T00:00:00Z"), "b": .localDate("9999-12-31")]
        ),
        (
            "sub-table of an array element's header", "[[a]]\n[a.b]\nx = 1\n[[a]]\n[a.b]\nx = 2",
            ["a": .array([.table(["b": .table(["x": 1])]), .table(["b": .table(["x": 2])])])]
        ),
    ]

    @Test(arguments: valid)
    func parsesValidDocuments(name: String, text: String, expected: [String: TOMLValue]) throws {
        let document = try TOMLDocument.parse(text, file: "t.toml")
        #expect(TOMLValue.table(document.root) == .table(expected), "\(name)")
    }

    static let invalid: [(String, [UInt8], String)] = [
        ("duplicate key", Array("a = 1\na = 2".utf8), "t.toml:2:1: duplicate key 'a'"),
        ("table defined twice", Array("[a]\n[a]".utf8), "t.toml:2:2: table 'a' is already defined"),
        (
            "table after dotted definition", Array("[fruit]\napple.color = 1\n[fruit.apple]".utf8),
            "t.toml:3:2: table 'fruit.apple' is already defined"
        ),
        ("dotted key into a header table", Array("[a.b]\n[a]\nb.c = 1".utf8), "t.toml:3:1: table 'a.b' is already defined"),
        ("inline table extended by a key", Array("a = {b = 1}\na.c = 2".utf8), "t.toml:2:1: 'a' is an inline table"),
        ("inline table extended by a header", Array("a = {b = 1}\n[a.c]".utf8), "t.toml:2:2: 'a' is an inline table"),
        ("dotted keys into a header table below", Array("[a.b.c]\nz = 9\n[a]\nb.c.t = 1".utf8), "t.toml:4:1: table 'a.b' is already defined"),
        ("inline table extended inside an inline table", Array("t = { f = { a = 1 }, f.b = 2 }".utf8), "t.toml:1:22: 'f' is an inline table"),
        ("table inside a static array", Array("a = [{ b = 1 }]\n[a.c]".utf8), "t.toml:2:2: key 'a' already has a value"),
        ("inline table reopened as table", Array("a = {}\n[a]".utf8), "t.toml:2:2: 'a' is an inline table"),
        ("key redefined as table", Array("a = 1\n[a]".utf8), "t.toml:2:2: key 'a' already has a value"),
        ("array of tables after static array", Array("a = []\n[[a]]".utf8), "t.toml:2:3: 'a' is already defined and is not an array of tables"),
        ("table after array of tables", Array("[[a]]\n[a]".utf8), "t.toml:2:2: 'a' is an array of tables"),
        ("trailing comma in inline table", Array("a = {b = 1,}".utf8), "t.toml:1:12: trailing comma in inline table"),
        ("newline in inline table", Array("a = {b = 1,\nc = 2}".utf8), "newline in inline table"),
        ("duplicate key in inline table", Array("a = {b = 1, b = 2}".utf8), "t.toml:1:13: duplicate key 'b'"),
        ("unknown escape", Array(#"a = "\x41""#.utf8), "t.toml:1:6: invalid escape sequence '\\x'"),
        ("\\e is not TOML 1.0", Array(#"a = "\e""#.utf8), "invalid escape sequence"),
        ("short \\u escape", Array(#"a = "\u12""#.utf8), "needs 4 hex digits"),
        ("surrogate escape", Array(#"a = "\uD800""#.utf8), "U+D800 is not a Unicode scalar value"),
        ("escape above U+10FFFF", Array(#"a = "\U00110000""#.utf8), "is not a Unicode scalar value"),
        ("unterminated string", Array("a = \"abc".utf8), "t.toml:1:5: unterminated string"),
        ("newline in basic string", Array("a = \"ab\nc\"".utf8), "unterminated string"),
        ("four-quote overflow", Array("a = \"\"\"x\"\"\"\"\"\"".utf8), "too many quotes"),
        ("backslash-space not at line end", Array("a = \"\"\"x\\ y\"\"\"".utf8), "invalid escape sequence"),
        ("control character in string", [0x61, 0x3D, 0x22, 0x01, 0x22], "t.toml:1:4: control character U+0001 in string"),
        ("DEL in comment", Array("# a\u{7F}".utf8), "control character U+007F in comment"),
        ("NUL in literal string", [0x61, 0x3D, 0x27, 0x00, 0x27], "control character U+0000"),
        ("bare CR line end", Array("a = 1\rb = 2".utf8), "t.toml:1:6: bare carriage return"),
        ("bare CR in multi-line string", Array("a = \"\"\"x\ry\"\"\"".utf8), "bare carriage return"),
        ("invalid UTF-8", [0x61, 0x3D, 0x22, 0xC3, 0x28, 0x22], "t.toml:1:4: invalid UTF-8 byte 0xc3"),
        ("overlong UTF-8", [0x61, 0x3D, 0x22, 0xC0, 0xAF, 0x22], "invalid UTF-8"),
        ("encoded surrogate", [0x61, 0x3D, 0x22, 0xED, 0xA0, 0x80, 0x22], "invalid UTF-8"),
        ("leading zero", Array("a = 012".utf8), "leading zeros are not allowed"),
        ("leading zero in float", Array("a = 03.14".utf8), "leading zeros are not allowed"),
        ("double underscore", Array("a = 1__2".utf8), "underscore must sit between digits"),
        ("trailing underscore", Array("a = 1_".utf8), "underscore must sit between digits"),
        ("underscore after prefix", Array("a = 0x_1".utf8), "underscore must sit between digits"),
        ("signed hex", Array("a = -0x1".utf8), "a sign is not allowed"),
        ("bad octal digit", Array("a = 0o8".utf8), "invalid integer"),
        ("integer overflow", Array("a = 9223372036854775808".utf8), "integer out of range"),
        ("hex overflow", Array("a = 0x8000000000000000".utf8), "integer out of range"),
        ("float without integer part", Array("a = .5".utf8), "missing digits"),
        ("float without fraction digits", Array("a = 1.".utf8), "missing digits in fraction"),
        ("float without exponent digits", Array("a = 1e".utf8), "missing digits in exponent"),
        ("capital infinity", Array("a = Inf".utf8), "invalid number"),
        ("invalid month", Array("a = 1979-13-01".utf8), "invalid date or time"),
        ("February 30", Array("a = 2001-02-29".utf8), "invalid date or time"),
        ("hour 24", Array("a = 24:00:00".utf8), "invalid date or time"),
        ("time without seconds", Array("a = 07:32".utf8), "invalid date or time"),
        ("empty fraction", Array("a = 07:32:00.".utf8), "invalid date or time"),
        ("bad offset", Array("a = 1979-05-27T07:32:00+25:00".utf8), "invalid date or time"),
        ("key without value", Array("a =".utf8), "t.toml:1:4: expected a value"),
        ("value without key", Array("= 1".utf8), "t.toml:1:1: expected a key"),
        ("two values on a line", Array("a = 1 b = 2".utf8), "t.toml:1:7: expected the end of the line"),
        ("multi-line string key", Array("\"\"\"a\"\"\" = 1".utf8), "a multi-line string cannot be a key"),
        ("unclosed header", Array("[a\nb = 1".utf8), "expected ']'"),
        ("spaced array-of-tables brackets", Array("[[a] ]".utf8), "expected ']]'"),
        ("unclosed array", Array("a = [1, 2".utf8), "expected ',' or ']'"),
        ("array without commas", Array("a = [1 2]".utf8), "expected ',' or ']'"),
        ("bare word value", Array("a = yes".utf8), "invalid number"),
        ("hostile key depth", Array((String(repeating: "a.", count: 100_000) + "a = 1").utf8), "key has more than 100 parts"),
        ("hostile inline nesting", Array(("a = " + String(repeating: "{b.c.d.e = ", count: 30)).utf8), "nested more than 100 deep"),
        ("hostile nesting", Array(("a = " + String(repeating: "[", count: 100_000)).utf8), "nested more than 100 deep"),
    ]

    @Test(arguments: invalid)
    func rejectsInvalidDocuments(name: String, bytes: [UInt8], expected: String) {
        do {
            let document = try TOMLDocument.parse(bytes, file: "t.toml")
            Issue.record("\(name): accepted, got \(document.root)")
        } catch {
            #expect(error.description.contains(expected), "\(name): \(error.description)")
            #expect(error.description.hasPrefix("t.toml:"), "\(name)")
        }
    }

    /// Error recovery only reports: every invalid document still yields at least its first error, the same one
    /// `parse` throws, and no document.
    @Test(arguments: invalid)
    func recoveryNeverAcceptsAnInvalidDocument(name: String, bytes: [UInt8], expected: String) {
        let parsed = TOMLDocument.parseReportingErrors(bytes, file: "t.toml", limit: 20)
        #expect(parsed.document == nil, "\(name)")
        #expect(parsed.errors.first?.description.contains(expected) == true, "\(name): \(parsed.errors)")
        #expect(parsed.errors.count <= 20)
    }

    @Test(arguments: valid)
    func recoveryFindsNothingInAValidDocument(name: String, text: String, expected: [String: TOMLValue]) {
        let parsed = TOMLDocument.parseReportingErrors(Array(text.utf8), file: "t.toml", limit: 20)
        #expect(parsed.errors.isEmpty, "\(name): \(parsed.errors)")
        #expect(parsed.document.map { TOMLValue.table($0.root) } == .table(expected), "\(name)")
    }

    @Test func everyBrokenLineIsReportedUpToTheCap() {
        let text = "a = 1\nb = = 2\nc = 3\nd = [1,\ne = \"x\n[t\nignored = =\n[u]\nf = 1\nf = 2\n"
        #expect(
            TOMLDocument.errors(in: Array(text.utf8), file: "t.toml").map(\.description) == [
                "t.toml:2:5: expected a value, found '='",
                "t.toml:5:1: missing digits in number 'e'",
                "t.toml:6:3: expected ']' after table name",
                "t.toml:10:1: duplicate key 'u.f'",
            ])
        let many = String(repeating: "x = = 1\n", count: 100)
        #expect(TOMLDocument.errors(in: Array(many.utf8), file: "t.toml").count == 20)
        #expect(TOMLDocument.errors(in: Array(many.utf8), file: "t.toml", limit: 3).count == 3)
    }

    @Test func taggedJSONMatchesTheTestSuiteForm() throws {
        let document = try TOMLDocument.parse("a = 42\nb = [1.5, inf]\n[t]\nd = 1979-05-27\nn = nan")
        let json = String(decoding: TOMLValue.table(document.root).taggedJSON.encoded(), as: UTF8.self)
        #expect(
            json == #"{"a":{"type":"integer","value":"42"},"b":[{"type":"float","value":"1.5"},{"type":"float","value":"inf"}],"#
                + #""t":{"d":{"type":"date-local","value":"1979-05-27"},"n":{"type":"float","value":"nan"}}}"#)
    }

    @Test func entriesRecordLinesAndValueSpans() throws {
        let text = "# c\n[plex]\n  url = \"x\" # note\n"
        let document = try TOMLDocument.parse(text)
        let entry = try #require(document.entry(for: ["plex", "url"]))
        #expect(entry.line == 3 && entry.column == 3)
        #expect(String(decoding: document.source[entry.valueStart..<entry.valueEnd], as: UTF8.self) == "\"x\"")
    }
}
