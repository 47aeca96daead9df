import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// Takes one `MetricsSnapshot` from `/proc` and `/sys`, keeping the previous counters to turn them into
/// rates. Not thread-safe: the sampler thread owns it. No subprocess, one reused read buffer.
public final class SystemReader {
    private let files: ProcFileReader
    private let processID: String
    private let ticksPerSecond: Double
    private var previous: (cpu: CPUStat, network: [InterfaceCounters], disks: [DiskCounters], process: ProcessStat, at: Double)?
    private var sensorPaths: [(path: String, sensor: String, label: String)] = []
    private var samplesSinceSensorScan = Int.max

    /// `root` is "" on the box; tests point it at a captured tree. `processID` is "self" or a pid.
    public init(root: String = "", processID: String = "self") {
        self.files = ProcFileReader(root: root)
        self.processID = processID
        let ticks = sysconf(Int32(_SC_CLK_TCK))
        self.ticksPerSecond = ticks > 0 ? Double(ticks) : 100
    }

    /// Reads every source. The first call has no earlier counters, so its CPU and rates are 0.
    public func sample() throws(ProcParseError) -> MetricsSnapshot {
        let now = Self.monotonicSeconds()
        let cpu = try CPUStat.parse(try text("/proc/stat"))
        let memory = try MemoryInfo.parse(try text("/proc/meminfo"))
        let network = try InterfaceCounters.parse(try text("/proc/net/dev"))
        let disks = try readDisks()
        let load = try LoadAverage.parse(try text("/proc/loadavg"))
        let uptime = try Uptime.parse(try text("/proc/uptime"))
        let process = try ProcessStat.parse(
            stat: try text("/proc/\(processID)/stat"), status: try text("/proc/\(processID)/status"),
            file: "/proc/\(processID)")
        let mounts = try MountEntry.parse(try text("/proc/self/mountinfo")).compactMap { files.space(of: $0) }
        let temperatures = readTemperatures()

        let elapsed = previous.map { now - $0.at } ?? 0
        let snapshot = MetricsSnapshot(
            timestamp: Date(), interval: elapsed,
            cpuUsage: previous.map { cpu.total.usage(since: $0.cpu.total) } ?? 0,
            coreUsage: previous.map { cpu.coreUsage(since: $0.cpu) } ?? cpu.cores.map { _ in 0 },
            memory: memory, mounts: mounts,
            network: InterfaceRate.rates(from: previous?.network ?? network, to: network, seconds: elapsed),
            disks: DiskRate.rates(from: previous?.disks ?? disks, to: disks, seconds: elapsed),
            temperatures: temperatures, load: load, uptimeSeconds: uptime,
            process: ProcessUsage(
                cpuPercent: previous.map { process.cpuPercent(since: $0.process, seconds: elapsed, ticksPerSecond: ticksPerSecond) } ?? 0,
                residentBytes: process.residentBytes, threads: process.threads,
                uptimeSeconds: max(0, uptime - Double(process.startTicks) / ticksPerSecond)))
        previous = (cpu, network, disks, process, now)
        return snapshot
    }

    private func text(_ path: String) throws(ProcParseError) -> String {
        guard let text = files.read(path) else { throw ProcParseError(file: path, line: 0, reason: "cannot be read") }
        return text
    }

    /// Whole disks' byte counters; none where the kernel has no `/proc/diskstats` (some containers).
    /// A partition is told apart by the `partition` file sysfs gives it.
    private func readDisks() throws(ProcParseError) -> [DiskCounters] {
        guard let text = files.read("/proc/diskstats") else { return [] }
        return try DiskCounters.parse(text) { name in files.read("/sys/class/block/\(name)/partition") == nil }
    }

    /// Sensor files are listed once a minute (at 1 s sampling) and read every sample; a sensor that
    /// fails to read is skipped for this sample.
    private func readTemperatures() -> [TemperatureReading] {
        if samplesSinceSensorScan >= 60 {
            sensorPaths = scanSensors()
            samplesSinceSensorScan = 0
        }
        samplesSinceSensorScan += 1
        return sensorPaths.compactMap { entry in
            guard let text = files.read(entry.path),
                let celsius = try? TemperatureReading.parseMillidegrees(text, file: entry.path)
            else { return nil }
            return TemperatureReading(sensor: entry.sensor, label: entry.label, celsius: celsius)
        }
    }

    private func scanSensors() -> [(path: String, sensor: String, label: String)] {
        var found: [(path: String, sensor: String, label: String)] = []
        for zone in files.list("/sys/class/thermal") where zone.hasPrefix("thermal_zone") {
            let base = "/sys/class/thermal/\(zone)"
            let type = files.read("\(base)/type").map(Self.firstLine) ?? zone
            found.append(("\(base)/temp", zone, type))
        }
        for hwmon in files.list("/sys/class/hwmon") where hwmon.hasPrefix("hwmon") {
            let base = "/sys/class/hwmon/\(hwmon)"
            let name = files.read("\(base)/name").map(Self.firstLine) ?? hwmon
            for input in files.list(base) where input.hasPrefix("temp") && input.hasSuffix("_input") {
                let stem = String(input.dropLast("_input".count))
                let label = files.read("\(base)/\(stem)_label").map(Self.firstLine)
                found.append(("\(base)/\(input)", "\(hwmon)/\(stem)", label.map { "\(name) \($0)" } ?? name))
            }
        }
        return found
    }

    private static func firstLine(_ text: String) -> String {
        String(text.split(separator: "\n").first ?? "")
    }

    static func monotonicSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
