import Core
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The daemon's start-up, phase by phase, in milliseconds since the kernel started the process (so the
/// dynamic loader's work on the shared libraries counts too). Each phase is one debug line,
/// `Start-up: <phase> at <N> ms`; the journal shows them with `[server] log_level = "debug"`. A start-up
/// slower than `slowMilliseconds` (a slow SD card, a loaded or emulated box) writes them all again in one
/// info line when it is done (`slowSummary`), so that the journal says where the time went without debug.
final class StartupTimeline: Sendable {
    static let slowMilliseconds = 1000

    /// CLOCK_BOOTTIME seconds when the process started.
    private let processStart: Double
    private let phases = Mutex<[(phase: String, milliseconds: Int)]>([])

    init() {
        processStart = Self.processStartSeconds() ?? Self.bootClockSeconds()
    }

    /// Milliseconds since the process started.
    var elapsedMilliseconds: Int { Int(((Self.bootClockSeconds() - processStart) * 1000).rounded()) }

    func mark(_ phase: String) {
        let milliseconds = elapsedMilliseconds
        phases.withLock { $0.append((phase, milliseconds)) }
        Log.shared.debug("Start-up: \(phase) at \(milliseconds) ms")
    }

    /// The whole start-up at info level when it took longer than `slowMilliseconds`; nil otherwise.
    func slowSummary() -> String? {
        let total = elapsedMilliseconds
        guard total > Self.slowMilliseconds else { return nil }
        let list = phases.withLock { $0.map { "\($0.phase) at \($0.milliseconds) ms" } }
        return "Start-up took \(total) ms: " + list.joined(separator: "; ")
    }

    private static func bootClockSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_BOOTTIME, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }

    /// Field 22 of `/proc/self/stat` (start time in clock ticks after boot, the clock CLOCK_BOOTTIME
    /// counts); the fields are counted after the command name's closing parenthesis, which may itself
    /// hold spaces.
    private static func processStartSeconds() -> Double? {
        guard let text = try? FileSystem.readText("/proc/self/stat"), let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        let ticksPerSecond = sysconf(Int32(_SC_CLK_TCK))
        guard fields.count > 19, let ticks = Double(fields[19]), ticksPerSecond > 0 else { return nil }
        return ticks / Double(ticksPerSecond)
    }
}
