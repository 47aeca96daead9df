import Testing

@testable import Config

/// Inputs the `toml` fuzz target (fuzz/, docs/testing.md "Fuzzing") found, minimised: each once broke
/// a property the parser, editor or serialiser promises.
struct TOMLFuzzFindingsTests {
    static func keys(_ count: Int) -> String { (0..<count).map { "k\($0)" }.joined(separator: ".") }

    /// Written inline, `[k0…k99]` + `a.b.c.d = 1` is 103 tables deep: more than the parser reads back.
    /// The depth bound counts header, dotted key and inline nesting together, so such a file is refused.
    static let tooDeep: [(String, String)] = [
        ("header and dotted key", "[\(keys(100))]\na.b.c.d = 1"),
        ("array of tables and dotted key", "[[\(keys(100))]]\na = 1"),
        ("header and inline table", "[\(keys(100))]\na = { b = 1 }"),
        ("dotted key in nested inline tables", "a = { b = { \(keys(100)) = 1 } }"),
    ]

    @Test(arguments: tooDeep)
    func refusesValuesNestedDeeperThanTheBound(name: String, text: String) {
        do {
            let document = try TOMLDocument.parse(text, file: "t.toml")
            Issue.record("\(name): accepted, \(document.root.count) keys")
        } catch {
            #expect(error.description.contains("nested more than 100 deep"), "\(name): \(error.description)")
        }
    }

    /// At the bound a document parses, and its serialised form (`key = value` lines) parses to the same table.
    static let atTheBound = ["[\(keys(100))]\na = 1", "[\(keys(99))]\na.b = 1", "[[\(keys(99))]]\na = 1", "a = { b = { \(keys(99)) = 1 } }"]

    @Test(arguments: atTheBound)
    func serialisesWhatItAcceptsAtTheBound(text: String) throws {
        let document = try TOMLDocument.parse(text, file: "t.toml")
        let lines = document.root.keys.sorted().map { TOMLValue.keyText($0) + " = " + (document.root[$0]?.tomlText ?? "") }
        let again = try TOMLDocument.parse(lines.joined(separator: "\n"), file: "serialised.toml")
        #expect(again.root == document.root)
    }

    /// `[k0…k96]` + `a.b.c.d = 1` is at the bound; setting that key to an inline table would pass it.
    /// The editor refused nothing and wrote a file the loader then refused; now the edit is an error.
    @Test func refusesAnEditThatWouldNestPastTheBound() throws {
        let document = try TOMLDocument.parse("[\(Self.keys(97))]\na.b.c.d = 1\n", file: "t.toml")
        let path = (0..<97).map { "k\($0)" } + ["a", "b", "c", "d"]
        #expect(throws: TOMLEditError.self) { try TOMLEditor.set(path, to: .table(["k": "x"]), in: document) }
        let scalar = try TOMLEditor.set(path, to: .string("x"), in: document)
        #expect(try TOMLDocument.parse(scalar).value(at: path) == .string("x"))
    }
}
