/// Jiffies one CPU (or all of them) spent in each state, from a `cpu` line of `/proc/stat`.
public struct CPUTimes: Sendable, Equatable {
    public var user: UInt64 = 0
    public var nice: UInt64 = 0
    public var system: UInt64 = 0
    public var idle: UInt64 = 0
    public var iowait: UInt64 = 0
    public var irq: UInt64 = 0
    public var softirq: UInt64 = 0
    public var steal: UInt64 = 0

    public init(
        user: UInt64 = 0, nice: UInt64 = 0, system: UInt64 = 0, idle: UInt64 = 0, iowait: UInt64 = 0,
        irq: UInt64 = 0, softirq: UInt64 = 0, steal: UInt64 = 0
    ) {
        self.user = user
        self.nice = nice
        self.system = system
        self.idle = idle
        self.iowait = iowait
        self.irq = irq
        self.softirq = softirq
        self.steal = steal
    }

    /// Idle time includes iowait, as top and htop count it. Guest time is already inside user and nice.
    public var idleTotal: UInt64 { idle &+ iowait }
    public var total: UInt64 { user &+ nice &+ system &+ idle &+ iowait &+ irq &+ softirq &+ steal }

    /// Busy percentage (0–100) between an earlier reading and this one; 0 when no time passed
    /// or the counters went backwards (a CPU taken offline and back).
    public func usage(since earlier: CPUTimes) -> Double {
        guard total > earlier.total, idleTotal >= earlier.idleTotal else { return 0 }
        let elapsed = Double(total - earlier.total)
        let idled = Double(idleTotal - earlier.idleTotal)
        return max(0, min(100, (elapsed - idled) / elapsed * 100))
    }
}

/// The CPU lines of `/proc/stat`: the aggregate line and one per online core, in order.
public struct CPUStat: Sendable, Equatable {
    public var total: CPUTimes
    public var cores: [CPUTimes]

    public init(total: CPUTimes, cores: [CPUTimes]) {
        self.total = total
        self.cores = cores
    }

    public static func parse(_ text: String, file: String = "/proc/stat") throws(ProcParseError) -> CPUStat {
        var total: CPUTimes?
        var cores: [CPUTimes] = []
        for (index, line) in Fields.lines(text).enumerated() where line.hasPrefix("cpu") {
            let fields = Fields.split(line)
            guard fields.count >= 5 else {
                throw ProcParseError(file: file, line: index + 1, reason: "a cpu line needs at least 4 counters")
            }
            var values: [UInt64] = []
            for field in fields.dropFirst().prefix(8) {
                guard let value = UInt64(field) else {
                    throw ProcParseError(file: file, line: index + 1, reason: "'\(field)' is not a counter")
                }
                values.append(value)
            }
            while values.count < 8 { values.append(0) }
            let times = CPUTimes(
                user: values[0], nice: values[1], system: values[2], idle: values[3],
                iowait: values[4], irq: values[5], softirq: values[6], steal: values[7])
            if fields[0] == "cpu" { total = times } else { cores.append(times) }
        }
        guard let total else { throw ProcParseError(file: file, line: 1, reason: "no aggregate 'cpu' line") }
        return CPUStat(total: total, cores: cores)
    }

    /// Per-core busy percentages since an earlier reading; a core that appeared since then counts as 0.
    public func coreUsage(since earlier: CPUStat) -> [Double] {
        cores.indices.map { index in
            index < earlier.cores.count ? cores[index].usage(since: earlier.cores[index]) : 0
        }
    }
}
