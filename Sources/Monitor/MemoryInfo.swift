/// Memory figures from `/proc/meminfo`, in bytes. "Used" is what applications hold: total minus available.
public struct MemoryInfo: Sendable, Equatable {
    public var totalBytes: UInt64
    public var freeBytes: UInt64
    public var availableBytes: UInt64
    public var swapTotalBytes: UInt64
    public var swapFreeBytes: UInt64

    public init(
        totalBytes: UInt64, freeBytes: UInt64, availableBytes: UInt64, swapTotalBytes: UInt64 = 0,
        swapFreeBytes: UInt64 = 0
    ) {
        self.totalBytes = totalBytes
        self.freeBytes = freeBytes
        self.availableBytes = availableBytes
        self.swapTotalBytes = swapTotalBytes
        self.swapFreeBytes = swapFreeBytes
    }

    public var usedBytes: UInt64 { totalBytes > availableBytes ? totalBytes - availableBytes : 0 }

    /// Used share of total, 0–100.
    public var usage: Double { totalBytes == 0 ? 0 : Double(usedBytes) / Double(totalBytes) * 100 }

    public static func parse(_ text: String, file: String = "/proc/meminfo") throws(ProcParseError) -> MemoryInfo {
        var values: [Substring: UInt64] = [:]
        for (index, line) in Fields.lines(text).enumerated() {
            guard let colon = line.utf8.firstIndex(of: UInt8(ascii: ":")) else {
                throw ProcParseError(file: file, line: index + 1, reason: "expected 'Name: value kB'")
            }
            let key = line[..<colon]
            guard Self.wanted.contains(key) else { continue }
            let fields = Fields.split(line[line.index(after: colon)...])
            guard let number = fields.first.flatMap({ UInt64($0) }) else {
                throw ProcParseError(file: file, line: index + 1, reason: "'\(key)' has no number")
            }
            let scale: UInt64 = fields.count > 1 && fields[1] == "kB" ? 1024 : 1
            values[key] = number &* scale
        }
        guard let total = values["MemTotal"], let free = values["MemFree"] else {
            throw ProcParseError(file: file, line: 1, reason: "MemTotal or MemFree is missing")
        }
        // Kernels before 3.14 have no MemAvailable; free + buffers + page cache is the old estimate.
        let available =
            values["MemAvailable"]
            ?? min(total, free &+ (values["Buffers"] ?? 0) &+ (values["Cached"] ?? 0))
        return MemoryInfo(
            totalBytes: total, freeBytes: free, availableBytes: available,
            swapTotalBytes: values["SwapTotal"] ?? 0, swapFreeBytes: values["SwapFree"] ?? 0)
    }

    private static let wanted: Set<Substring> = [
        "MemTotal", "MemFree", "MemAvailable", "Buffers", "Cached",
        "SwapTotal", "SwapFree",
    ]
}
