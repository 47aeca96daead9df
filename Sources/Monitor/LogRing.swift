public import Core
public import FoundationEssentials
import Synchronization

/// Keeps the daemon's own log lines in a bounded ring for `GET /api/v1/logs`; register it with
/// `Log.shared.addSink`. Lines still go to stderr for journald. Debug lines are kept only when asked.
public final class LogRing: LogSink {
    private struct State {
        var entries: [LogEntry] = []
        var start = 0
    }

    public let capacity: Int
    public let keepsDebug: Bool
    private let state = Mutex(State())

    /// `capacity` is clamped to 10…100 000 lines.
    public init(capacity: Int = 2000, keepsDebug: Bool = false) {
        self.capacity = min(100_000, max(10, capacity))
        self.keepsDebug = keepsDebug
    }

    public func receive(_ entry: LogEntry) {
        if entry.level == .debug && !keepsDebug { return }
        state.withLock { state in
            if state.entries.count < capacity {
                state.entries.append(entry)
            } else {
                state.entries[state.start] = entry
                state.start = (state.start + 1) % capacity
            }
        }
    }

    /// Newest first: lines at `minimum` severity or worse, at or after `since`, at most `limit`.
    public func query(minimum: LogLevel = .debug, since: Date? = nil, limit: Int = 100) -> [LogEntry] {
        state.withLock { state in
            var result: [LogEntry] = []
            let count = state.entries.count
            var offset = count - 1
            while offset >= 0 && result.count < limit {
                let entry = state.entries[(state.start + offset) % count]
                offset -= 1
                if let since, entry.timestamp < since { break }
                // Syslog priorities: a smaller number is more severe.
                if entry.level.rawValue <= minimum.rawValue { result.append(entry) }
            }
            return result
        }
    }

    /// 002 writes "warn"; the API accepts "warn" and "warning" and answers "warn".
    public static func levelName(_ level: LogLevel) -> String { level == .warning ? "warn" : level.name }

    public static func level(named name: String) -> LogLevel? {
        switch name.lowercased() {
        case "error", "err", "critical": .error
        case "warn", "warning": .warning
        case "info": .info
        case "debug": .debug
        default: nil
        }
    }
}
