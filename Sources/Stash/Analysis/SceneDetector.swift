import Core

/// What an analysis found of one entity in one scene: how sure, and who found it.
struct Finding: Sendable, Equatable {
    var confidence: Double
    /// `rules`, `ai`, or `rules+ai`.
    var source: String

    mutating func merge(_ other: Finding) {
        confidence = max(confidence, other.confidence)
        if source != other.source { source = "rules+ai" }
    }
}

/// One change an analysis proposes for a scene's field (before it is stored).
struct ProposedChange: Sendable {
    var field: String
    var action: String
    var current: JSON
    var proposed: JSON
    /// The Stash ids an apply writes (performers, tags: the whole list; studio: one); nil for details.
    var proposedIDs: [String]?
    var confidence: Double
    var source: String
}

/// The rules: performers, studios and tags found by name or alias in a scene's title, details and
/// file paths, and its details cleaned up. Confidence by where the name was found, an alias a step
/// below the name:
///
/// | where | name | alias |
/// |---|---:|---:|
/// | title | 0.95 | 0.85 |
/// | a whole folder or file name of a path | 0.90 | 0.80 |
/// | within a folder or file name | 0.80 | 0.70 |
/// | details | 0.75 | 0.65 |
///
/// A name that stands for two entities of one kind (two performers called the same) proposes
/// neither; what the scene already has proposes nothing; a studio is proposed only for a scene with none.
struct SceneDetector: Sendable {
    let catalog: EntityCatalog
    let matcher: NameMatcher
    let options: AnalysisOptions

    init(catalog: EntityCatalog, options: AnalysisOptions) {
        self.catalog = catalog
        self.options = options
        matcher = catalog.matcher(kinds: options.kinds)
    }

    /// The entities the rules find in `scene`, by catalog index.
    func findings(_ scene: SceneFacts) -> [Int: Finding] {
        var found: [Int: Finding] = [:]
        func note(_ words: [String], name: Double, alias: Double, whole: (name: Double, alias: Double)? = nil) {
            for match in matcher.matches(words) {
                let wholeSegment = whole != nil && match.length == words.count
                for kind in EntityKind.allCases {
                    let targets = match.targets.filter { catalog.entities[$0.entity].kind == kind }
                    guard targets.count == 1, let target = targets.first else { continue }
                    let confidence =
                        wholeSegment
                        ? (target.alias ? whole!.alias : whole!.name)
                        : (target.alias ? alias : name)
                    found[target.entity, default: Finding(confidence: 0, source: "rules")].merge(Finding(confidence: confidence, source: "rules"))
                }
            }
        }
        if let title = scene.title { note(NameMatcher.words(title), name: 0.95, alias: 0.85) }
        for path in scene.paths {
            for segment in Self.segments(path) {
                note(NameMatcher.words(String(segment)), name: 0.8, alias: 0.7, whole: (0.9, 0.8))
            }
        }
        if let details = scene.details { note(NameMatcher.words(details), name: 0.75, alias: 0.65) }
        return found
    }

    /// A path's folder names and its file name without the extension.
    static func segments(_ path: String) -> [Substring] {
        var parts = path.split(separator: "/")
        if let last = parts.last, let dot = last.lastIndex(of: "."), last.distance(from: dot, to: last.endIndex) <= 6, dot != last.startIndex {
            parts[parts.count - 1] = last[..<dot]
        }
        return parts
    }

    /// The changes `found` makes to `scene`: one per field, in `fieldOrder`.
    func changes(_ scene: SceneFacts, found: [Int: Finding]) -> [ProposedChange] {
        var changes: [ProposedChange] = []
        for kind in [EntityKind.performer, .tag] where options.kinds.contains(kind) {
            let current = kind == .performer ? scene.performerIDs : scene.tagIDs
            let new = found.filter { catalog.entities[$0.key].kind == kind && !current.contains(catalog.entities[$0.key].id) }
                .sorted { ($0.value.confidence, catalog.entities[$1.key].name) > ($1.value.confidence, catalog.entities[$0.key].name) }
            guard !new.isEmpty else { continue }
            let currentNames = current.map { catalog.name(kind, id: $0) ?? $0 }
            let added = new.map { catalog.entities[$0.key] }
            changes.append(
                ProposedChange(
                    field: kind.field, action: "add", current: .array(currentNames.map(JSON.string)),
                    proposed: .array((currentNames + added.map(\.name)).map(JSON.string)), proposedIDs: current + added.map(\.id),
                    confidence: Self.rounded(new.map(\.value.confidence).min() ?? 0), source: Self.source(new.map(\.value.source))))
        }
        if options.detectStudios, scene.studioID == nil {
            let studios = found.filter { catalog.entities[$0.key].kind == .studio }
            if let best = studios.max(by: { a, b in
                let (x, y) = (catalog.entities[a.key], catalog.entities[b.key])
                return (a.value.confidence, x.name.count, y.id) < (b.value.confidence, y.name.count, x.id)
            }) {
                let studio = catalog.entities[best.key]
                changes.append(
                    ProposedChange(
                        field: "studio", action: "set", current: .null, proposed: .string(studio.name), proposedIDs: [studio.id],
                        confidence: Self.rounded(best.value.confidence), source: best.value.source))
            }
        }
        if options.detectDetails, let details = scene.details {
            let cleaned = DetailsCleaner.clean(details)
            if cleaned != details {
                changes.append(
                    ProposedChange(
                        field: "details", action: "set", current: .string(details), proposed: .string(cleaned), proposedIDs: nil,
                        confidence: 1, source: "rules"))
            }
        }
        return changes.sorted { Self.fieldOrder.firstIndex(of: $0.field) ?? 0 < Self.fieldOrder.firstIndex(of: $1.field) ?? 0 }
    }

    static let fieldOrder = ["performers", "studio", "tags", "details"]

    static func rounded(_ value: Double) -> Double { (value * 100).rounded() / 100 }

    static func source(_ sources: [String]) -> String {
        let set = Set(sources)
        return set.count == 1 ? set.first ?? "rules" : "rules+ai"
    }
}
