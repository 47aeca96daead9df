/// What a metric is, as the Prometheus text format types it.
public enum MetricKind: String, Sendable {
    case counter, gauge, histogram
}

/// One sample line: a name suffix (`_bucket`, `_sum`, `_count` for histograms), labels and a value.
public struct MetricSample: Sendable, Equatable {
    public var suffix: String
    public var labels: [(String, String)]
    public var value: Double

    public init(suffix: String = "", labels: [(String, String)] = [], value: Double) {
        self.suffix = suffix
        self.labels = labels
        self.value = value
    }

    public static func == (a: MetricSample, b: MetricSample) -> Bool {
        a.suffix == b.suffix && a.value == b.value && a.labels.map { "\($0.0)=\($0.1)" } == b.labels.map { "\($0.0)=\($0.1)" }
    }
}

/// A metric with its help text, type and samples.
public struct MetricFamily: Sendable, Equatable {
    public var name: String
    public var help: String
    public var kind: MetricKind
    public var samples: [MetricSample]

    public init(name: String, help: String, kind: MetricKind, samples: [MetricSample]) {
        self.name = name
        self.help = help
        self.kind = kind
        self.samples = samples
    }
}

/// Renders families in the Prometheus text exposition format 0.0.4.
public enum PrometheusText {
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    public static func render(_ families: [MetricFamily]) -> String {
        var out = ""
        for family in families where !family.samples.isEmpty {
            out += "# HELP \(family.name) \(escapeHelp(family.help))\n"
            out += "# TYPE \(family.name) \(family.kind.rawValue)\n"
            for sample in family.samples {
                out += family.name + sample.suffix
                if !sample.labels.isEmpty {
                    out += "{" + sample.labels.map { "\($0.0)=\"\(escapeLabel($0.1))\"" }.joined(separator: ",") + "}"
                }
                out += " " + format(sample.value) + "\n"
            }
        }
        return out
    }

    /// Integers without a fraction, "+Inf"/"-Inf"/"NaN" as the format spells them.
    public static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }

    static func escapeLabel(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(character)
            }
        }
        return out
    }

    static func escapeHelp(_ text: String) -> String {
        text.replacing("\\", with: "\\\\").replacing("\n", with: "\\n")
    }
}
