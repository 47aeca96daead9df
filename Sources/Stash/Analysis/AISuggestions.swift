import Core

/// What the analysis asks an OpenAI-compatible model about one scene, and how it checks the answer:
/// the prompt lists the scene (title, details, paths, what it has) and the names the model may choose
/// from; the answer must be one JSON object naming only those. A name that was not offered (an
/// invented performer, an id of something else) is dropped and counted; prose instead of JSON fails
/// the scene with that reason.
struct AISuggestions: Sendable {
    /// Most names of each kind offered per scene.
    static let maximumCandidates = 100
    /// Tags are offered whole while there are at most this many (they are implied, not only named).
    static let allTagsUpTo = 300

    static let system = """
        You tag scenes of a video library. From the scene's title, details and file paths, choose which of the known \
        performers, which known studio and which known tags fit it. Choose only names from the "known" lists, written exactly \
        as there; never invent a name. Leave out what the scene already has and what you are not sure of. Answer with one JSON \
        object and nothing else: {"performers": [{"name": "…", "confidence": 0.9}], "studio": {"name": "…", "confidence": 0.8} \
        or null, "tags": [{"name": "…", "confidence": 0.7}]}; confidence is from 0 to 1.
        """

    let catalog: EntityCatalog
    let kinds: Set<EntityKind>
    /// Word → entities whose name or an alias has it (words of three or more characters, not numbers).
    let index: [String: [Int]]

    init(catalog: EntityCatalog, kinds: Set<EntityKind>) {
        self.catalog = catalog
        self.kinds = kinds
        var index: [String: [Int]] = [:]
        for (position, entity) in catalog.entities.enumerated() where kinds.contains(entity.kind) {
            var words = Set<String>()
            for name in [entity.name] + entity.aliases {
                for word in NameMatcher.words(name) where Self.isTelling(word) { words.insert(word) }
            }
            for word in words { index[word, default: []].append(position) }
        }
        self.index = index
    }

    static func isTelling(_ word: String) -> Bool {
        word.count >= 3 && !word.unicodeScalars.allSatisfy { $0.properties.numericType == .decimal }
    }

    /// The names offered for `scene`, by kind: those sharing a telling word with its text, most shared
    /// first (every tag while there are few).
    func candidates(_ scene: SceneFacts) -> [EntityKind: [Int]] {
        var text = [scene.title ?? "", scene.details ?? ""]
        text += scene.paths
        var shared: [Int: Int] = [:]
        for word in Set(text.flatMap(NameMatcher.words)) where Self.isTelling(word) {
            for entity in index[word] ?? [] { shared[entity, default: 0] += 1 }
        }
        var offered: [EntityKind: [Int]] = [:]
        for kind in kinds {
            if kind == .tag, let all = catalog.byID[.tag], all.count <= Self.allTagsUpTo {
                offered[kind] = all.values.sorted { catalog.entities[$0].name < catalog.entities[$1].name }
                continue
            }
            let ranked = shared.filter { catalog.entities[$0.key].kind == kind }
                .sorted { ($0.value, catalog.entities[$1.key].name) > ($1.value, catalog.entities[$0.key].name) }
            offered[kind] = ranked.prefix(Self.maximumCandidates).map(\.key)
        }
        return offered
    }

    /// The user message for `scene`: a JSON document of the scene and the known names.
    func prompt(_ scene: SceneFacts, offered: [EntityKind: [Int]]) -> String {
        func names(_ kind: EntityKind) -> JSON { .array((offered[kind] ?? []).map { .string(catalog.entities[$0].name) }) }
        let current: JSON = [
            "performers": .array(scene.performerIDs.map { JSON(catalog.name(.performer, id: $0) ?? $0) }),
            "studio": JSON(scene.studioID.map { catalog.name(.studio, id: $0) ?? $0 }),
            "tags": .array(scene.tagIDs.map { JSON(catalog.name(.tag, id: $0) ?? $0) }),
        ]
        let document: JSON = [
            "scene": [
                "title": JSON(scene.title), "details": JSON(scene.details.map { String($0.prefix(4000)) }),
                "paths": .array(scene.paths.map(JSON.string)), "has": current,
            ],
            "known": ["performers": names(.performer), "studios": names(.studio), "tags": names(.tag)],
        ]
        return String(decoding: document.encoded(), as: UTF8.self)
    }

    /// What the model's answer names, checked against what was offered.
    struct Answer: Sendable {
        var found: [Int: Finding] = [:]
        /// Names or ids that were not offered, and items that were not a name.
        var dropped = 0
    }

    func parse(_ content: String, offered: [EntityKind: [Int]]) throws(OpenAIError) -> Answer {
        guard let answer = Self.object(content) else {
            throw OpenAIError.unusableAnswer("prose instead of the JSON object asked for")
        }
        guard ["performers", "studio", "studios", "tags"].contains(where: { answer[$0] != nil }) else {
            throw OpenAIError.unusableAnswer("the JSON object names no performers, studio or tags")
        }
        var result = Answer()
        for kind in EntityKind.allCases {
            var items: [JSON]
            switch answer[kind.field] ?? (kind == .studio ? answer["studios"] : nil) {
            case nil, .null?: continue
            case .array(let list)?: items = list
            case let single?: items = [single]
            }
            if items.count > 200 { items = Array(items.prefix(200)) }
            let allowed = Set(offered[kind] ?? [])
            for item in items {
                let name = item.stringValue ?? item["name"]?.stringValue
                let id = item["id"]?.stringValue
                guard let found = (id.flatMap { catalog.byID[kind]?[$0] }) ?? name.flatMap({ catalog.resolve($0, kind: kind) }),
                    allowed.contains(found), kinds.contains(kind)
                else {
                    result.dropped += 1
                    continue
                }
                var confidence = item["confidence"]?.doubleValue ?? item["confidence"]?.intValue.map(Double.init) ?? 0.8
                if !confidence.isFinite { confidence = 0.8 }
                result.found[found, default: Finding(confidence: 0, source: "ai")].merge(
                    Finding(confidence: min(1, max(0, confidence)), source: "ai"))
            }
        }
        return result
    }

    /// The JSON object of an answer: the whole text, or the inside of one fenced code block.
    static func object(_ content: String) -> JSON? {
        var text = Substring(content.trimmingWhitespace())
        if text.hasPrefix("```") {
            guard let firstLineEnd = text.firstIndex(of: "\n"), text.hasSuffix("```"), text.count > 6 else { return nil }
            text = text[text.index(after: firstLineEnd)..<text.index(text.endIndex, offsetBy: -3)]
        }
        guard let json = try? JSON.parseStrict(Array(text.utf8)), json.objectValue != nil else { return nil }
        return json
    }
}
