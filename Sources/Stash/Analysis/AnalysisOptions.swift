import Core
import HTTP

/// 004's `options` of `POST /analysis/generate`: what to look for, whether to ask the AI, and the
/// confidence from which a proposed change is accepted at once. Every flag is optional; the
/// detectors default to on, `use_ai` to off (it costs money), the threshold to
/// `analysis.confidence_threshold`.
struct AnalysisOptions: Sendable, Equatable {
    var detectPerformers = true
    var detectStudios = true
    var detectTags = true
    var detectDetails = true
    var useAI = false
    var confidenceThreshold: Double

    static let flags = ["detect_performers", "detect_studios", "detect_tags", "detect_details", "use_ai"]

    init(confidenceThreshold: Double) {
        self.confidenceThreshold = confidenceThreshold
    }

    /// The options of a request body (`null` or absent: the defaults); a wrong type is a 400 naming it.
    init(_ json: JSON?, defaultThreshold: Double) throws(HTTPError) {
        self.init(confidenceThreshold: defaultThreshold)
        guard let json, json != .null else { return }
        guard let members = json.objectValue else { throw HTTPError.badRequest("options: a JSON object", detail: "options") }
        for (name, value) in members {
            switch name {
            case "confidence_threshold":
                guard value != .null else { continue }
                guard let number = value.doubleValue ?? value.intValue.map(Double.init), number.isFinite, (0...1).contains(number) else {
                    throw HTTPError.badRequest("options.confidence_threshold: a number from 0 to 1", detail: "options.confidence_threshold")
                }
                confidenceThreshold = number
            case _ where Self.flags.contains(name):
                guard value != .null else { continue }
                guard let flag = value.boolValue else { throw HTTPError.badRequest("options.\(name): true or false", detail: "options.\(name)") }
                switch name {
                case "detect_performers": detectPerformers = flag
                case "detect_studios": detectStudios = flag
                case "detect_tags": detectTags = flag
                case "detect_details": detectDetails = flag
                default: useAI = flag
                }
            default:
                throw HTTPError.badRequest("options: unknown option '\(name.prefix(64))'", detail: "options")
            }
        }
        guard detectPerformers || detectStudios || detectTags || detectDetails else {
            throw HTTPError.badRequest("options: every detector is off, so the plan could propose nothing", detail: "options")
        }
    }

    /// The entity kinds looked for.
    var kinds: Set<EntityKind> {
        var kinds = Set<EntityKind>()
        if detectPerformers { kinds.insert(.performer) }
        if detectStudios { kinds.insert(.studio) }
        if detectTags { kinds.insert(.tag) }
        return kinds
    }

    var json: JSON {
        [
            "detect_performers": .bool(detectPerformers), "detect_studios": .bool(detectStudios), "detect_tags": .bool(detectTags),
            "detect_details": .bool(detectDetails), "use_ai": .bool(useAI), "confidence_threshold": .double(confidenceThreshold),
        ]
    }

    static var schema: Schema {
        .object(
            [:],
            optional: [
                "detect_performers": .nullable(.boolean), "detect_studios": .nullable(.boolean), "detect_tags": .nullable(.boolean),
                "detect_details": .nullable(.boolean), "use_ai": .nullable(.boolean),
                "confidence_threshold": .nullable(Schema(["type": "number", "minimum": 0, "maximum": 1])),
            ], closed: true)
    }
}
