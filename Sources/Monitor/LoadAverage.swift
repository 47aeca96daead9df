/// `/proc/loadavg`: run-queue averages over 1, 5 and 15 minutes and the runnable/total task counts.
public struct LoadAverage: Sendable, Equatable {
    public var one: Double
    public var five: Double
    public var fifteen: Double
    public var runnable: Int
    public var tasks: Int

    public init(one: Double, five: Double, fifteen: Double, runnable: Int, tasks: Int) {
        self.one = one
        self.five = five
        self.fifteen = fifteen
        self.runnable = runnable
        self.tasks = tasks
    }

    public static func parse(_ text: String, file: String = "/proc/loadavg") throws(ProcParseError) -> LoadAverage {
        let fields = Fields.split(text[...].split(separator: "\n").first ?? "")
        guard fields.count >= 4, let one = Double(fields[0]), let five = Double(fields[1]),
            let fifteen = Double(fields[2])
        else {
            throw ProcParseError(file: file, line: 1, reason: "expected three averages and runnable/total")
        }
        let tasks = fields[3].split(separator: "/")
        guard tasks.count == 2, let runnable = Int(tasks[0]), let total = Int(tasks[1]) else {
            throw ProcParseError(file: file, line: 1, reason: "'\(fields[3])' is not runnable/total")
        }
        return LoadAverage(one: one, five: five, fifteen: fifteen, runnable: runnable, tasks: total)
    }
}

/// `/proc/uptime`: seconds since boot.
public enum Uptime {
    public static func parse(_ text: String, file: String = "/proc/uptime") throws(ProcParseError) -> Double {
        guard let first = Fields.split(text[...].split(separator: "\n").first ?? "").first,
            let seconds = Double(first), seconds >= 0
        else {
            throw ProcParseError(file: file, line: 1, reason: "expected seconds since boot")
        }
        return seconds
    }

    /// "10d 4h 30m" as 002 shows it; units above the largest non-zero one are left out ("4h 30m", "12m").
    public static func format(seconds: Double) -> String {
        let whole = max(0, Int(seconds.isFinite ? seconds : 0))
        let days = whole / 86_400
        let hours = whole % 86_400 / 3600
        let minutes = whole % 3600 / 60
        if days > 0 { return "\(days)d \(hours)h \(minutes)m" }
        if hours > 0 { return "\(hours)h \(minutes)m" }
        return "\(minutes)m"
    }
}
