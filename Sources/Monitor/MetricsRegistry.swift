import Synchronization

/// Counters, gauges and latency histograms that the HTTP layer, jobs and the config watcher feed,
/// rendered with the sampler's figures at `/metrics`. Each family is bounded to `maxSeries` label sets.
public final class MetricsRegistry: Sendable {
    /// Latency buckets in seconds (upper bounds; +Inf is implied).
    public static let latencyBuckets: [Double] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
    public static let maxSeries = 200

    struct Histogram: Sendable {
        var counts = [UInt64](repeating: 0, count: MetricsRegistry.latencyBuckets.count)
        var count: UInt64 = 0
        var sum: Double = 0
    }

    private struct Series: Sendable {
        var help: String
        var kind: MetricKind
        var values: [[String]: Double] = [:]
        var histograms: [[String]: Histogram] = [:]
        var labelNames: [String]
    }

    private let state = Mutex([String: Series]())
    /// `requests` and `requestDuration`, kept apart from the locked families.
    let requestCounters = RequestCounters()

    public init() {}

    /// Adds `amount` to a counter; labels are given as (name, value) pairs in a fixed order per metric.
    public func increment(_ name: String, help: String, labels: [(String, String)] = [], by amount: Double = 1) {
        update(name, help: help, kind: .counter, labels: labels) { $0.values[$1, default: 0] += amount }
    }

    public func set(_ name: String, help: String, labels: [(String, String)] = [], to value: Double) {
        update(name, help: help, kind: .gauge, labels: labels) { $0.values[$1] = value }
    }

    public func observe(_ name: String, help: String, labels: [(String, String)] = [], seconds: Double) {
        guard seconds.isFinite, seconds >= 0 else { return }
        update(name, help: help, kind: .histogram, labels: labels) { series, key in
            var histogram = series.histograms[key] ?? Histogram()
            if let bucket = MetricsRegistry.latencyBuckets.firstIndex(where: { seconds <= $0 }) {
                histogram.counts[bucket] += 1
            }
            histogram.count += 1
            histogram.sum += seconds
            series.histograms[key] = histogram
        }
    }

    private func update(
        _ name: String, help: String, kind: MetricKind, labels: [(String, String)],
        _ body: (inout Series, [String]) -> Void
    ) {
        let key = labels.map(\.1)
        state.withLock { families in
            var series = families[name] ?? Series(help: help, kind: kind, labelNames: labels.map(\.0))
            let known = series.values[key] != nil || series.histograms[key] != nil
            guard known || series.values.count + series.histograms.count < Self.maxSeries else { return }
            body(&series, key)
            families[name] = series
        }
    }

    /// A counter or gauge value (0 when never set).
    public func value(_ name: String, labels: [String] = []) -> Double {
        if name == Self.requests {
            guard labels.count == 1, let statusClass = RequestCounters.classes.firstIndex(of: labels[0]) else { return 0 }
            return Double(requestCounters.histogram(of: statusClass)?.count ?? 0)
        }
        return state.withLock { $0[name]?.values[labels] ?? 0 }
    }

    /// The request histograms by status class label, for the families and the summaries.
    private func requestHistograms() -> [[String]: Histogram] {
        var histograms: [[String]: Histogram] = [:]
        for (index, label) in RequestCounters.classes.enumerated() {
            if let histogram = requestCounters.histogram(of: index) { histograms[[label]] = histogram }
        }
        return histograms
    }

    /// A histogram's count, sum and cumulative bucket counts, summed over every label set when `labels` is nil.
    public func histogram(_ name: String, labels: [String]? = nil) -> (count: UInt64, sum: Double, buckets: [UInt64]) {
        let requests = name == Self.requestDuration ? requestHistograms() : nil
        return state.withLock { families in
            var total = Histogram()
            for (key, histogram) in requests ?? families[name]?.histograms ?? [:] where labels == nil || labels == key {
                total.count += histogram.count
                total.sum += histogram.sum
                for index in total.counts.indices { total.counts[index] += histogram.counts[index] }
            }
            return (total.count, total.sum, total.counts)
        }
    }

    /// Every family, sorted by name, label sets sorted, histograms with cumulative buckets.
    public func families() -> [MetricFamily] {
        let requests = requestHistograms()
        return state.withLock { locked in
            var families = locked
            if !requests.isEmpty {
                families[Self.requests] = Series(
                    help: "HTTP requests answered, by status class", kind: .counter,
                    values: requests.mapValues { Double($0.count) }, labelNames: ["class"])
                families[Self.requestDuration] = Series(
                    help: "HTTP request latency in seconds, by status class", kind: .histogram, histograms: requests,
                    labelNames: ["class"])
            }
            return families.keys.sorted().compactMap { name -> MetricFamily? in
                guard let series = families[name] else { return nil }
                func labels(_ key: [String]) -> [(String, String)] { Array(zip(series.labelNames, key)) }
                var samples: [MetricSample] = []
                if series.kind == .histogram {
                    for key in series.histograms.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
                        guard let histogram = series.histograms[key] else { continue }
                        var cumulative: UInt64 = 0
                        for (index, bound) in MetricsRegistry.latencyBuckets.enumerated() {
                            cumulative += histogram.counts[index]
                            samples.append(
                                MetricSample(
                                    suffix: "_bucket", labels: labels(key) + [("le", PrometheusText.format(bound))],
                                    value: Double(cumulative)))
                        }
                        samples.append(
                            MetricSample(
                                suffix: "_bucket", labels: labels(key) + [("le", "+Inf")],
                                value: Double(histogram.count)))
                        samples.append(MetricSample(suffix: "_sum", labels: labels(key), value: histogram.sum))
                        samples.append(MetricSample(suffix: "_count", labels: labels(key), value: Double(histogram.count)))
                    }
                } else {
                    for key in series.values.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
                        samples.append(MetricSample(labels: labels(key), value: series.values[key] ?? 0))
                    }
                }
                return MetricFamily(name: name, help: series.help, kind: series.kind, samples: samples)
            }
        }
    }
}
