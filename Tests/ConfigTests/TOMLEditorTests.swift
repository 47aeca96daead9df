import Testing

@testable import Config

struct TOMLEditorTests {
    static let original = """
        # Appliance settings
        top = 1   # trailing comment

        [plex]
          # where Plex is
          url = 'http://old:32400'   # keep me
          name = "Box"

        [workers]
        gpu_threads = 4
        [integrations.sonarr]
        enabled = false
        [t]
        inl = { a = 1, b = "x" }
        dot.x = 1

        """

    static func edited(_ edit: (TOMLDocument) throws -> [UInt8]) throws -> String {
        String(decoding: try edit(try TOMLDocument.parse(original)), as: UTF8.self)
    }

    @Test(
        arguments: [
            (["plex", "url"], TOMLValue.string("http://new:32400"), "  url = \"http://new:32400\"   # keep me\n", ["plex", "url"]),
            (["workers", "gpu_threads"], 8, "gpu_threads = 8\n", ["workers", "gpu_threads"]),
            (["top"], 2, "top = 2   # trailing comment\n", ["top"]),
            (["t", "dot", "x"], .bool(true), "dot.x = true\n", ["t", "dot", "x"]),
        ] as [([String], TOMLValue, String, [String])])
    func replacesOnlyTheValue(path: [String], value: TOMLValue, line: String, check: [String]) throws {
        let text = try Self.edited { try TOMLEditor.set(path, to: value, in: $0) }
        let before = Self.original.split(separator: "\n", omittingEmptySubsequences: false)
        let after = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(before.count == after.count)
        let differing = zip(before, after).filter { $0 != $1 }
        #expect(differing.count == 1)
        #expect(text.contains(line))
        #expect(try TOMLDocument.parse(text).value(at: check) == value)
    }

    @Test func addsAKeyAfterTheLastKeyOfItsTableWithItsIndentation() throws {
        let text = try Self.edited { try TOMLEditor.set(["plex", "token"], to: "a\"b\\c\n", in: $0) }
        #expect(text.contains("  name = \"Box\"\n  token = \"a\\\"b\\\\c\\n\"\n\n[workers]"))
        #expect(try TOMLDocument.parse(text).value(at: ["plex", "token"]) == "a\"b\\c\n")
    }

    @Test func addsATableAtTheEndWhenItHasNone() throws {
        let text = try Self.edited { try TOMLEditor.set(["integrations", "radarr", "api_key"], to: "k", in: $0) }
        #expect(text.hasPrefix(Self.original))
        #expect(text.hasSuffix("\n[integrations.radarr]\napi_key = \"k\"\n"))
        #expect(try TOMLDocument.parse(text).value(at: ["integrations", "sonarr", "enabled"]) == false)
    }

    @Test func addsADottedKeyWhereTheTableWasDefinedByDottedKeys() throws {
        let text = try Self.edited { try TOMLEditor.set(["t", "dot", "y"], to: 2, in: $0) }
        #expect(text.hasSuffix("dot.x = 1\ndot.y = 2\n"))
    }

    @Test func editsInsideInlineTables() throws {
        let set = try Self.edited { try TOMLEditor.set(["t", "inl", "a"], to: 5, in: $0) }
        #expect(set.contains("inl = { a = 5, b = \"x\" }"))
        let added = try Self.edited { try TOMLEditor.set(["t", "inl", "c"], to: 3, in: $0) }
        #expect(try TOMLDocument.parse(added).value(at: ["t", "inl"]) == .table(["a": 1, "b": "x", "c": 3]))
        let removed = try Self.edited { try TOMLEditor.remove(["t", "inl", "b"], from: $0) }
        #expect(removed.contains("inl = { a = 1 }"))
    }

    @Test func removesTheWholeLineOnly() throws {
        let text = try Self.edited { try TOMLEditor.remove(["plex", "url"], from: $0) }
        let expected = Self.original.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.contains("url = ") }
        #expect(text == expected.joined(separator: "\n"))
        #expect(try Self.edited { try TOMLEditor.remove(["plex", "absent"], from: $0) } == Self.original)
    }

    @Test func keepsCRLFAndAddsAMissingFinalNewline() throws {
        let crlf = try TOMLDocument.parse("[a]\r\nx = 1\r\n")
        #expect(String(decoding: try TOMLEditor.set(["a", "y"], to: 2, in: crlf), as: UTF8.self) == "[a]\r\nx = 1\r\ny = 2\r\n")
        let unterminated = try TOMLDocument.parse("[a]\nx = 1")
        #expect(String(decoding: try TOMLEditor.set(["a", "y"], to: 2, in: unterminated), as: UTF8.self) == "[a]\nx = 1\ny = 2\n")
        let empty = try TOMLDocument.parse("")
        #expect(String(decoding: try TOMLEditor.set(["a", "b"], to: "c", in: empty), as: UTF8.self) == "[a]\nb = \"c\"\n")
    }

    @Test func refusesToTurnAValueIntoATable() throws {
        let document = try TOMLDocument.parse("a = 1\n")
        #expect(throws: TOMLEditError.self) { try TOMLEditor.set(["a", "b"], to: 1, in: document) }
    }

    @Test(arguments: ["plain", "quote\"", "back\\slash", "tab\tnew\nline", "\u{01}\u{7F}", "ünï 😀", "'single'", "#hash"])
    func serialisedStringsReadBackTheSame(text: String) throws {
        let document = try TOMLDocument.parse("[a]\nb = 1\n")
        let edited = try TOMLDocument.parse(try TOMLEditor.set(["a", "s"], to: .string(text), in: document))
        #expect(edited.value(at: ["a", "s"]) == .string(text))
    }
}
