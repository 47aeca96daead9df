import Core
import Monitor
import Store

// Idle cost of the monitor as the daemon runs it: the sampler at 1 s feeding history (SQLite in a temp
// dir) and the threshold checks. Prints CPU (percent of one core) and RSS measured from /proc/self.
// Run by hand: swift build -c release --product monitor-bench && .build/release/monitor-bench 60
#if canImport(Glibc)
    import Glibc
#endif

func processTicks() -> (ticks: Double, rss: Double) {
    let stat = FileSystem.readIfPresent("/proc/self/stat") ?? ""
    let fields = stat[(stat.lastIndex(of: ")") ?? stat.startIndex)...].split(separator: " ")
    let ticks = (Double(fields.count > 12 ? fields[11] : "0") ?? 0) + (Double(fields.count > 12 ? fields[12] : "0") ?? 0)
    let status = FileSystem.readIfPresent("/proc/self/status") ?? ""
    let rssLine = status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") } ?? ""
    let rss = Double(rssLine.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first ?? "0") ?? 0
    return (ticks, rss * 1024)
}

func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

let seconds = CommandLine.arguments.count > 1 ? max(5, Int(CommandLine.arguments[1]) ?? 60) : 60
var template = Array("/tmp/monitor-bench-XXXXXX".utf8CString)
_ = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
let directory = String(cString: template.withUnsafeBufferPointer { $0.baseAddress! })
do {
    // The cost of one sample, back to back (reads every /proc and /sys source, statvfs per mount).
    let reader = SystemReader()
    _ = try reader.sample()
    let loops = 500
    let loopStart = now()
    for _ in 0..<loops { _ = try reader.sample() }
    let perSample = (now() - loopStart) / Double(loops)
    print("sample_us=\((perSample * 1_000_000).rounded()) (mean of \(loops) back-to-back samples)")
    let monitor = try MonitoringSystem(database: try Database.openState(root: directory)) { error in
        Log.shared.error("Failed to record 'metrics history': \(error)")
    }
    let sampler = monitor.sampler
    try monitor.start()
    // Let start-up allocation settle before the measured window.
    sleep(3)
    let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
    let before = processTicks()
    let start = now()
    let samplesBefore = sampler.sampleCount
    sleep(UInt32(seconds))
    let after = processTicks()
    let elapsed = now() - start
    let samples = sampler.sampleCount - samplesBefore
    monitor.stop()
    let cpu = (after.ticks - before.ticks) / ticksPerSecond / elapsed * 100
    print(
        "window_s=\(Int(elapsed.rounded())) samples=\(samples) cpu_percent_of_one_core=\((cpu * 1000).rounded() / 1000) "
            + "rss_mib=\((after.rss / 1_048_576 * 10).rounded() / 10) cpu_ticks=\(Int(after.ticks - before.ticks)) clk_tck=\(Int(ticksPerSecond))")
} catch {
    print("Failed to run 'monitor-bench': \(error)")
}
_ = "rm -rf '\(directory)'".withCString { system($0) }
