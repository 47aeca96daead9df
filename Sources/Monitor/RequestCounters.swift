import Synchronization

/// Answered HTTP requests by status class, counted and timed without a lock: recording one is three
/// relaxed atomic adds (the HTTP loops call it for every answer, and a locked registry update was a
/// quarter of the server's own time per request).
final class RequestCounters: @unchecked Sendable {
    static let classes = ["1xx", "2xx", "3xx", "4xx", "5xx", "other"]
    /// Per class: one cell per latency bucket, then the count, then the sum in microseconds.
    private static let stride = MetricsRegistry.latencyBuckets.count + 2
    private static let cellCount = classes.count * stride
    private let cells: UnsafeMutablePointer<Atomic<UInt64>>

    init() {
        cells = .allocate(capacity: Self.cellCount)
        for index in 0..<Self.cellCount { (cells + index).initialize(to: Atomic(0)) }
    }

    deinit {
        cells.deinitialize(count: Self.cellCount)
        cells.deallocate()
    }

    func record(status: Int, seconds: Double) {
        guard seconds.isFinite, seconds >= 0 else { return }
        let base = ((100...599).contains(status) ? status / 100 - 1 : 5) * Self.stride
        let buckets = MetricsRegistry.latencyBuckets
        var bucket = 0
        while bucket < buckets.count && seconds > buckets[bucket] { bucket += 1 }
        if bucket < buckets.count { cells[base + bucket].wrappingAdd(1, ordering: .relaxed) }
        cells[base + buckets.count].wrappingAdd(1, ordering: .relaxed)
        cells[base + buckets.count + 1].wrappingAdd(UInt64(seconds * 1_000_000), ordering: .relaxed)
    }

    /// One class's histogram (bucket counts not cumulative), or nil when it has no request yet.
    func histogram(of statusClass: Int) -> MetricsRegistry.Histogram? {
        let base = statusClass * Self.stride
        let buckets = MetricsRegistry.latencyBuckets.count
        let count = cells[base + buckets].load(ordering: .relaxed)
        guard count > 0 else { return nil }
        var histogram = MetricsRegistry.Histogram()
        for index in 0..<buckets { histogram.counts[index] = cells[base + index].load(ordering: .relaxed) }
        histogram.count = count
        histogram.sum = Double(cells[base + buckets + 1].load(ordering: .relaxed)) / 1_000_000
        return histogram
    }
}
