import Core
import Testing

@testable import Stash

/// The rules without a server: the name matcher (boundaries, case, separators, longest first), the
/// detector's confidences and what it leaves alone, and the details clean-up.
@Suite struct AnalysisRulesTests {
    static func catalog() -> EntityCatalog {
        var catalog = EntityCatalog()
        catalog.append(KnownEntity(kind: .performer, id: "1", name: "Anna Bell", aliases: ["Annabell", "A. B."]))
        catalog.append(KnownEntity(kind: .performer, id: "2", name: "Max", aliases: []))
        catalog.append(KnownEntity(kind: .performer, id: "3", name: "Twin", aliases: []))
        catalog.append(KnownEntity(kind: .performer, id: "4", name: "Twin", aliases: []))
        catalog.append(KnownEntity(kind: .studio, id: "10", name: "Velvet Garden", aliases: ["VG"]))
        catalog.append(KnownEntity(kind: .tag, id: "20", name: "Velvet", aliases: []))
        catalog.append(KnownEntity(kind: .tag, id: "21", name: "Tag 1", aliases: []))
        catalog.append(KnownEntity(kind: .tag, id: "22", name: "Outdoor", aliases: ["outside"]))
        catalog.append(KnownEntity(kind: .tag, id: "23", name: "7", aliases: ["x"]))
        return catalog
    }

    static func scene(
        title: String? = nil, details: String? = nil, path: String = "/media/x.mp4", studio: String? = nil, performers: [String] = [],
        tags: [String] = []
    ) -> SceneFacts {
        SceneFacts(
            id: "s", title: title, details: details, paths: [path], updatedAt: nil, studioID: studio, performerIDs: performers, tagIDs: tags)
    }

    /// Finds in a title: the ids and confidences, by kind.
    static func found(_ title: String) -> [String: Double] {
        let catalog = catalog()
        let detector = SceneDetector(catalog: catalog, options: AnalysisOptions(confidenceThreshold: 0.7))
        var found: [String: Double] = [:]
        for (index, finding) in detector.findings(scene(title: title)) { found[catalog.entities[index].id] = finding.confidence }
        return found
    }

    @Test(
        arguments: [
            ("Anna Bell outdoor", ["1": 0.95, "22": 0.95]),
            ("anna.bell_OUTSIDE", ["1": 0.95, "22": 0.85]),
            ("anna-bell", ["1": 0.95]),
            ("Annabell", ["1": 0.85]),
            // A name inside a longer word is no match; "Tag 1" is not in "Tag 12".
            ("Maximum Tag 12", [:]),
            ("max tag 1", ["2": 0.95, "21": 0.95]),
            // The longest name wins: the studio, not the tag inside it.
            ("Velvet Garden at night", ["10": 0.95]),
            ("velvet dreams", ["20": 0.95]),
            // Two performers called the same propose neither; one-character and numbers-only names are never found.
            ("Twin x 7", [:]),
        ] as [(String, [String: Double])])
    func matcher(title: String, expected: [String: Double]) {
        #expect(Self.found(title) == expected)
    }

    @Test func pathsAndDetailsCountLess() {
        let catalog = Self.catalog()
        let detector = SceneDetector(catalog: catalog, options: AnalysisOptions(confidenceThreshold: 0.7))
        let facts = Self.scene(details: "Shot outside.", path: "/media/Velvet Garden/annabell max.mkv")
        var found: [String: Double] = [:]
        for (index, finding) in detector.findings(facts) { found[catalog.entities[index].id] = finding.confidence }
        // A whole folder name 0.9; an alias within a file name 0.7, a name there 0.8; an alias in the details 0.65.
        #expect(found == ["10": 0.9, "1": 0.7, "2": 0.8, "22": 0.65])
    }

    @Test func changesLeaveWhatTheSceneHas() throws {
        let catalog = Self.catalog()
        let detector = SceneDetector(catalog: catalog, options: AnalysisOptions(confidenceThreshold: 0.7))
        let facts = Self.scene(title: "Anna Bell, Max, outdoor at Velvet Garden", studio: "10", performers: ["2"], tags: [])
        let changes = detector.changes(facts, found: detector.findings(facts))
        let byField = Dictionary(uniqueKeysWithValues: changes.map { ($0.field, $0) })
        // Max is on the scene already; the studio is set already, so none is proposed.
        #expect(byField["performers"]?.proposed == ["Max", "Anna Bell"])
        #expect(byField["performers"]?.proposedIDs == ["2", "1"] && byField["performers"]?.action == "add")
        #expect(byField["performers"]?.current == ["Max"])
        #expect(byField["tags"]?.proposed == ["Outdoor"])
        #expect(byField["studio"] == nil && byField["details"] == nil)
        // Nothing the scene already has proposes anything.
        let full = Self.scene(title: "Anna Bell outdoor", studio: "10", performers: ["1"], tags: ["22"])
        #expect(detector.changes(full, found: detector.findings(full)).isEmpty)
        // Options switch detectors off.
        var options = AnalysisOptions(confidenceThreshold: 0.7)
        options.detectTags = false
        let quiet = SceneDetector(catalog: catalog, options: options)
        #expect(quiet.changes(facts, found: quiet.findings(facts)).map(\.field) == ["performers"])
    }

    @Test func studioOnlyForASceneWithout() {
        let catalog = Self.catalog()
        let detector = SceneDetector(catalog: catalog, options: AnalysisOptions(confidenceThreshold: 0.7))
        let facts = Self.scene(title: "VG presents", path: "/media/Velvet Garden/a.mp4")
        let studio = detector.changes(facts, found: detector.findings(facts)).first { $0.field == "studio" }
        #expect(studio?.proposed == "Velvet Garden" && studio?.proposedIDs == ["10"] && studio?.action == "set")
        #expect(studio?.confidence == 0.9 && studio?.current == .null)
    }

    @Test(arguments: [
        ("<p>One&nbsp;&amp; two</p><p>Three</p>", "One & two\n\nThree"),
        ("Plain   text\t here ", "Plain text here"),
        ("a<br/>b<BR>c", "a\nb\nc"),
        ("Tom &#39;n&#x27; Jerry &unknown; a < b", "Tom 'n' Jerry &unknown; a < b"),
        ("\n\n\nfirst\n\n\n\nsecond\n\n", "first\n\nsecond"),
        ("<b>bold</b> <i>it</i>", "bold it"),
    ])
    func detailsCleanUp(raw: String, cleaned: String) {
        #expect(DetailsCleaner.clean(raw) == cleaned)
    }

    @Test func cleanDetailsProposeNothing() {
        let detector = SceneDetector(catalog: Self.catalog(), options: AnalysisOptions(confidenceThreshold: 0.7))
        let facts = Self.scene(details: "Already clean.")
        #expect(detector.changes(facts, found: [:]).isEmpty)
        let messy = Self.scene(details: "Needs  <b>work</b>")
        let change = detector.changes(messy, found: [:]).first
        #expect(change?.field == "details" && change?.proposed == "Needs work" && change?.confidence == 1)
    }

    @Test func aiAnswersAreChecked() throws {
        let catalog = Self.catalog()
        let ai = AISuggestions(catalog: catalog, kinds: [.performer, .studio, .tag])
        let facts = Self.scene(title: "Anna Bell in the garden")
        let offered = ai.candidates(facts)
        // Performers sharing a word of three letters or more with the scene; every tag (there are few).
        #expect(offered[.performer] == [0])
        #expect(offered[.studio] == [4])
        #expect(offered[.tag]?.count == 4)
        let answer = try ai.parse(
            #"```json\n{"performers": [{"name": "anna bell", "confidence": 0.8}, {"name": "Max"}, "Ghost"], "studio": {"name": "Velvet Garden"}, "tags": [{"id": "22"}, {"name": "Nope"}]}\n```"#
                .replacing("\\n", with: "\n"),
            offered: offered)
        // Max exists but was not offered; Ghost and Nope do not exist.
        #expect(answer.dropped == 3)
        #expect(answer.found[0] == Finding(confidence: 0.8, source: "ai"))
        #expect(answer.found[4]?.confidence == 0.8 && answer.found[7]?.confidence == 0.8)
        #expect(throws: OpenAIError.unusableAnswer("prose instead of the JSON object asked for")) {
            try ai.parse("The scene shows Anna Bell.", offered: offered)
        }
        #expect(throws: OpenAIError.unusableAnswer("the JSON object names no performers, studio or tags")) {
            try ai.parse(#"{"answer": "Anna Bell"}"#, offered: offered)
        }
    }
}
