/// Byte counters of one network interface from `/proc/net/dev`.
public struct InterfaceCounters: Sendable, Equatable {
    public var name: String
    public var receivedBytes: UInt64
    public var transmittedBytes: UInt64

    public init(name: String, receivedBytes: UInt64, transmittedBytes: UInt64) {
        self.name = name
        self.receivedBytes = receivedBytes
        self.transmittedBytes = transmittedBytes
    }

    /// Every interface but loopback, in file order.
    public static func parse(_ text: String, file: String = "/proc/net/dev") throws(ProcParseError) -> [InterfaceCounters] {
        var result: [InterfaceCounters] = []
        for (index, line) in Fields.lines(text).enumerated() {
            // The two header lines have a '|' and no ':' before it.
            guard let colon = line.utf8.firstIndex(of: UInt8(ascii: ":")),
                !line[..<colon].utf8.contains(UInt8(ascii: "|"))
            else { continue }
            let name = line[..<colon].trimmingCharacters(in: " \t")
            let fields = Fields.split(line[line.index(after: colon)...])
            guard fields.count >= 9, let rx = UInt64(fields[0]), let tx = UInt64(fields[8]) else {
                throw ProcParseError(file: file, line: index + 1, reason: "interface '\(name)' needs 16 counters")
            }
            if name == "lo" { continue }
            result.append(InterfaceCounters(name: name, receivedBytes: rx, transmittedBytes: tx))
        }
        return result
    }
}

/// One interface's throughput over the last sampling interval and its totals since boot.
public struct InterfaceRate: Sendable, Equatable {
    public var name: String
    public var receivedBytesPerSecond: Double
    public var transmittedBytesPerSecond: Double
    public var receivedBytes: UInt64
    public var transmittedBytes: UInt64

    public init(
        name: String, receivedBytesPerSecond: Double, transmittedBytesPerSecond: Double,
        receivedBytes: UInt64, transmittedBytes: UInt64
    ) {
        self.name = name
        self.receivedBytesPerSecond = receivedBytesPerSecond
        self.transmittedBytesPerSecond = transmittedBytesPerSecond
        self.receivedBytes = receivedBytes
        self.transmittedBytes = transmittedBytes
    }

    /// Rates between two readings `seconds` apart; an interface new since the earlier reading, or whose
    /// counter wrapped or reset, gets rate 0 for this interval.
    public static func rates(from earlier: [InterfaceCounters], to later: [InterfaceCounters], seconds: Double) -> [InterfaceRate] {
        later.map { now in
            let before = earlier.first { $0.name == now.name }
            func rate(_ a: UInt64?, _ b: UInt64) -> Double { counterRate(from: a, to: b, seconds: seconds) }
            return InterfaceRate(
                name: now.name, receivedBytesPerSecond: rate(before?.receivedBytes, now.receivedBytes),
                transmittedBytesPerSecond: rate(before?.transmittedBytes, now.transmittedBytes),
                receivedBytes: now.receivedBytes, transmittedBytes: now.transmittedBytes)
        }
    }
}

/// Per second between two readings of a counter `seconds` apart; 0 without an earlier reading or when
/// the counter went back (wrapped or reset).
func counterRate(from earlier: UInt64?, to later: UInt64, seconds: Double) -> Double {
    guard let earlier, later >= earlier, seconds > 0 else { return 0 }
    return Double(later - earlier) / seconds
}

extension Substring {
    func trimmingCharacters(in set: String) -> String {
        var slice = self[...]
        while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}
