/// The pure math of history: bucketing timestamps and averaging points into coarser ones.
public enum Downsampling {
    /// The start of the `width`-second bucket holding `timestamp` (floor, also for times before 1970).
    public static func bucketStart(_ timestamp: Int64, width: Int64) -> Int64 {
        precondition(width > 0, "bucket width must be positive")
        let remainder = timestamp % width
        return remainder >= 0 ? timestamp - remainder : timestamp - remainder - width
    }

    /// One point for a bucket: means of every figure, maxima of the maxima; a temperature is the mean
    /// of the points that had one (nil when none had). Nil for no points.
    public static func average(_ points: [HistoryPoint], at timestamp: Int64) -> HistoryPoint? {
        guard !points.isEmpty else { return nil }
        let count = Double(points.count)
        func mean(_ value: (HistoryPoint) -> Double) -> Double { points.reduce(0) { $0 + value($1) } / count }
        let temperatures = points.compactMap(\.temperature)
        return HistoryPoint(
            timestamp: timestamp, cpu: mean(\.cpu), cpuMax: points.map(\.cpuMax).max(), memory: mean(\.memory),
            memoryUsedBytes: mean(\.memoryUsedBytes), memoryTotalBytes: mean(\.memoryTotalBytes), disk: mean(\.disk),
            diskFreeBytes: mean(\.diskFreeBytes),
            temperature: temperatures.isEmpty ? nil : temperatures.reduce(0, +) / Double(temperatures.count),
            temperatureMax: points.compactMap(\.temperatureMax).max(), load1: mean(\.load1),
            networkReceived: mean(\.networkReceived), networkTransmitted: mean(\.networkTransmitted),
            diskRead: mean(\.diskRead), diskWritten: mean(\.diskWritten))
    }

    /// Groups points (in any order) into `width`-second buckets and averages each; sorted by time.
    public static func resample(_ points: [HistoryPoint], width: Int64) -> [HistoryPoint] {
        var buckets: [Int64: [HistoryPoint]] = [:]
        for point in points { buckets[bucketStart(point.timestamp, width: width), default: []].append(point) }
        return buckets.keys.sorted().compactMap { average(buckets[$0] ?? [], at: $0) }
    }

    /// Coarse points that end before the first fine point, then the fine points: finer data wins where both exist.
    public static func merge(coarse: [HistoryPoint], coarseWidth: Int64, fine: [HistoryPoint]) -> [HistoryPoint] {
        guard let first = fine.first?.timestamp else { return coarse }
        return coarse.filter { $0.timestamp + coarseWidth <= first } + fine
    }

    /// "30s", "5m", "1h", "1d" → seconds; nil for anything else or outside 1 s … 7 d.
    public static func parseResolution(_ text: String) -> Int64? {
        guard let unit = text.last, text.count >= 2, text.count <= 8,
            let number = Int64(text.dropLast()), number > 0
        else { return nil }
        let scale: Int64
        switch unit {
        case "s": scale = 1
        case "m": scale = 60
        case "h": scale = 3600
        case "d": scale = 86_400
        default: return nil
        }
        let seconds = number * scale
        return seconds <= 7 * 86_400 ? seconds : nil
    }
}
