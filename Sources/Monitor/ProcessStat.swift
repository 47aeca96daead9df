/// CPU time and memory of one process, from `/proc/<pid>/stat` and `/proc/<pid>/status`.
public struct ProcessStat: Sendable, Equatable {
    /// User plus system time, in clock ticks.
    public var cpuTicks: UInt64
    /// Start time after boot, in clock ticks.
    public var startTicks: UInt64
    public var residentBytes: UInt64
    public var threads: Int

    public init(cpuTicks: UInt64, startTicks: UInt64, residentBytes: UInt64, threads: Int) {
        self.cpuTicks = cpuTicks
        self.startTicks = startTicks
        self.residentBytes = residentBytes
        self.threads = threads
    }

    /// `stat` fields after the command name (which may hold spaces and parentheses, so it ends at the last ')').
    public static func parse(stat: String, status: String, file: String = "/proc/self") throws(ProcParseError) -> ProcessStat {
        guard let close = stat.utf8.lastIndex(of: UInt8(ascii: ")")) else {
            throw ProcParseError(file: "\(file)/stat", line: 1, reason: "no ')' closing the command name")
        }
        // Fields from 3 (state) on; utime is field 14, stime 15, starttime 22 (1-based, proc(5)).
        let rest = Fields.split(stat[stat.index(after: close)...])
        guard rest.count >= 20, let utime = UInt64(rest[11]), let stime = UInt64(rest[12]),
            let start = UInt64(rest[19])
        else {
            throw ProcParseError(file: "\(file)/stat", line: 1, reason: "expected utime, stime and starttime")
        }
        var resident: UInt64?
        var threads: Int?
        for line in Fields.lines(status) {
            if line.hasPrefix("VmRSS:") {
                resident = Fields.split(line.dropFirst(6)).first.flatMap { UInt64($0) }.map { $0 * 1024 }
            } else if line.hasPrefix("Threads:") {
                threads = Fields.split(line.dropFirst(8)).first.flatMap { Int($0) }
            }
        }
        guard let threads else {
            throw ProcParseError(file: "\(file)/status", line: 1, reason: "no 'Threads:' line")
        }
        // Kernel threads have no VmRSS line.
        return ProcessStat(cpuTicks: utime + stime, startTicks: start, residentBytes: resident ?? 0, threads: threads)
    }

    /// CPU percentage of one core used between an earlier reading and this one, `seconds` apart.
    public func cpuPercent(since earlier: ProcessStat, seconds: Double, ticksPerSecond: Double) -> Double {
        guard seconds > 0, ticksPerSecond > 0, cpuTicks >= earlier.cpuTicks else { return 0 }
        return Double(cpuTicks - earlier.cpuTicks) / ticksPerSecond / seconds * 100
    }
}
