/// One progress line of yt-dlp under `YtDlpCommand.progressTemplate`, in 001's terms: a percentage,
/// a speed like `1.2 MB/s` and an ETA like `5m 30s`.
public struct DownloadProgress: Sendable, Equatable {
    /// Starts each line the template prints, so other output is told apart.
    static let marker = "[applianced-progress]"

    public var downloadedBytes: Int64
    public var totalBytes: Int64?
    /// Bytes per second.
    public var speed: Double?
    public var etaSeconds: Int?

    public init(downloadedBytes: Int64, totalBytes: Int64? = nil, speed: Double? = nil, etaSeconds: Int? = nil) {
        self.downloadedBytes = downloadedBytes
        self.totalBytes = totalBytes
        self.speed = speed
        self.etaSeconds = etaSeconds
    }

    /// 0…100, nil while the size is unknown.
    public var percent: Double? {
        guard let totalBytes, totalBytes > 0 else { return nil }
        return min(100, Double(downloadedBytes) * 100 / Double(totalBytes))
    }

    /// The progress in `line`, or nil for any other output.
    public static func parse(_ line: Substring) -> DownloadProgress? {
        let fields = line.split(separator: " ")
        guard fields.count == 6, fields[0] == marker, let downloaded = Int64(number(fields[1]) ?? "") else { return nil }
        let total = number(fields[2]).flatMap { Int64($0) } ?? number(fields[3]).flatMap { Double($0) }.map { Int64($0) }
        return DownloadProgress(
            downloadedBytes: downloaded, totalBytes: total, speed: number(fields[4]).flatMap { Double($0) },
            etaSeconds: number(fields[5]).flatMap { Double($0) }.map { Int($0) })
    }

    /// A field's text unless yt-dlp printed `NA` or `None`.
    private static func number(_ field: Substring) -> Substring? {
        field == "NA" || field == "None" ? nil : field
    }

    /// `1.2 MB/s`, `850 KB/s` (decimal units, as 001's example); nil when unknown.
    public var speedText: String? {
        guard let speed, speed >= 0 else { return nil }
        let units = ["B/s", "KB/s", "MB/s", "GB/s"]
        var value = speed
        var unit = 0
        while value >= 1000 && unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        let rounded = (value * 10).rounded() / 10
        let text = rounded == rounded.rounded() ? String(Int(rounded)) : String(rounded)
        return "\(text) \(units[unit])"
    }

    /// `5m 30s`, `1h 2m`, `45s`; nil when unknown.
    public var etaText: String? {
        guard let etaSeconds, etaSeconds >= 0 else { return nil }
        let (hours, minutes, seconds) = (etaSeconds / 3600, etaSeconds % 3600 / 60, etaSeconds % 60)
        if hours > 0 { return "\(hours)h \(minutes)m" }
        if minutes > 0 { return "\(minutes)m \(seconds)s" }
        return "\(seconds)s"
    }
}
