/// Bytes read and written by one block device since boot, from `/proc/diskstats`.
public struct DiskCounters: Sendable, Equatable {
    public var name: String
    public var readBytes: UInt64
    public var writtenBytes: UInt64

    public init(name: String, readBytes: UInt64, writtenBytes: UInt64) {
        self.name = name
        self.readBytes = readBytes
        self.writtenBytes = writtenBytes
    }

    /// The kernel counts 512-byte sectors in `/proc/diskstats` whatever the device's own sector size.
    static let sectorBytes: UInt64 = 512

    /// Each device of `text` that `isWholeDisk` accepts, in file order. Loop, RAM, zram and
    /// device-mapper devices are left out: their I/O is either not a disk's or is counted again on the
    /// disk beneath them; so are partitions, whose I/O their disk already counts.
    public static func parse(
        _ text: String, file: String = "/proc/diskstats", isWholeDisk: (String) -> Bool
    ) throws(ProcParseError) -> [DiskCounters] {
        var result: [DiskCounters] = []
        for (index, line) in Fields.lines(text).enumerated() {
            let fields = Fields.split(line[...])
            guard fields.count >= 10 else {
                if fields.isEmpty { continue }
                throw ProcParseError(file: file, line: index + 1, reason: "a device needs at least 10 fields")
            }
            let name = String(fields[2])
            guard let read = UInt64(fields[5]), let written = UInt64(fields[9]) else {
                throw ProcParseError(file: file, line: index + 1, reason: "device '\(name)' has a counter that is not a number")
            }
            if ["loop", "ram", "zram", "dm-"].contains(where: { name.hasPrefix($0) }) || !isWholeDisk(name) { continue }
            result.append(DiskCounters(name: name, readBytes: read &* sectorBytes, writtenBytes: written &* sectorBytes))
        }
        return result
    }
}

/// One disk's throughput over the last sampling interval.
public struct DiskRate: Sendable, Equatable {
    public var name: String
    public var readBytesPerSecond: Double
    public var writtenBytesPerSecond: Double

    public init(name: String, readBytesPerSecond: Double, writtenBytesPerSecond: Double) {
        self.name = name
        self.readBytesPerSecond = readBytesPerSecond
        self.writtenBytesPerSecond = writtenBytesPerSecond
    }

    /// Rates between two readings `seconds` apart; a disk new since the earlier reading, or whose
    /// counter went back, gets rate 0 for this interval.
    public static func rates(from earlier: [DiskCounters], to later: [DiskCounters], seconds: Double) -> [DiskRate] {
        later.map { now in
            let before = earlier.first { $0.name == now.name }
            func rate(_ a: UInt64?, _ b: UInt64) -> Double { counterRate(from: a, to: b, seconds: seconds) }
            return DiskRate(
                name: now.name, readBytesPerSecond: rate(before?.readBytes, now.readBytes),
                writtenBytesPerSecond: rate(before?.writtenBytes, now.writtenBytes))
        }
    }
}
