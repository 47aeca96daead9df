#if canImport(Glibc)
import Glibc
#endif
public import FoundationEssentials
import Synchronization

/// Severity of a log line, with the syslog priority journald reads from the `<N>` prefix.
public enum LogLevel: Int, Sendable, Comparable, CaseIterable {
    case error = 3
    case warning = 4
    case info = 6
    case debug = 7

    public static func < (a: LogLevel, b: LogLevel) -> Bool { a.rawValue > b.rawValue }

    public var name: String {
        switch self {
        case .error: "error"
        case .warning: "warning"
        case .info: "info"
        case .debug: "debug"
        }
    }
}

/// One line the daemon logged, as kept by sinks such as the monitoring ring buffer.
public struct LogEntry: Sendable {
    public let timestamp: Date
    public let level: LogLevel
    public let message: String
}

/// Receives every log line after it is written to stderr.
public protocol LogSink: Sendable {
    func receive(_ entry: LogEntry)
}

/// The daemon's logger: stderr with syslog priority prefixes (journald), plus registered sinks.
/// Library code does not log; the composition root and services do, once per failure.
public final class Log: Sendable {
    public static let shared = Log()

    private struct State {
        var minimum: LogLevel = .info
        var sinks: [any LogSink] = []
        var secrets: [String] = []
    }
    private let state = Mutex(State())

    public init() {}

    public var minimumLevel: LogLevel {
        get { state.withLock { $0.minimum } }
        set { state.withLock { $0.minimum = newValue } }
    }

    public func addSink(_ sink: any LogSink) {
        state.withLock { $0.sinks.append(sink) }
    }

    /// Registers a secret that must never appear in a log line; it is replaced by `****`.
    public func redact(_ secret: String) {
        guard secret.count >= 4 else { return }
        state.withLock { if !$0.secrets.contains(secret) { $0.secrets.append(secret) } }
    }

    public func forgetSecret(_ secret: String) {
        state.withLock { $0.secrets.removeAll { $0 == secret } }
    }

    public func log(_ level: LogLevel, _ message: String) {
        let (minimum, sinks, secrets) = state.withLock { ($0.minimum, $0.sinks, $0.secrets) }
        var text = Log.escapingControlCharacters(message)
        for secret in secrets where Log.contains(text, secret) {
            text = text.replacing(secret, with: "****")
        }
        let entry = LogEntry(timestamp: Date(), level: level, message: text)
        for sink in sinks { sink.receive(entry) }
        guard level >= minimum else { return }
        Log.writeLine("<\(level.rawValue)>\(text)\n")
    }

    /// Logs several lines with one write(2) (an HTTP loop's access lines of one turn): each line is
    /// escaped, redacted and handed to the sinks exactly as `log` does.
    public func log(batch lines: [(level: LogLevel, message: String)]) {
        guard !lines.isEmpty else { return }
        let (minimum, sinks, secrets) = state.withLock { ($0.minimum, $0.sinks, $0.secrets) }
        var output: [UInt8] = []
        output.reserveCapacity(lines.count * 96)
        let now = Date()
        for (level, message) in lines {
            var text = Log.escapingControlCharacters(message)
            for secret in secrets where Log.contains(text, secret) {
                text = text.replacing(secret, with: "****")
            }
            let entry = LogEntry(timestamp: now, level: level, message: text)
            for sink in sinks { sink.receive(entry) }
            guard level >= minimum else { continue }
            output.append(UInt8(ascii: "<"))
            output.append(UInt8(0x30 + level.rawValue))
            output.append(UInt8(ascii: ">"))
            output.append(contentsOf: text.utf8)
            output.append(10)
        }
        var written = 0
        while written < output.count {
            let n = output.withUnsafeBytes { write(2, $0.baseAddress! + written, $0.count - written) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            written += n
        }
    }

    /// Writes a line without redaction, for the one first-start `Token: …` line.
    public func logUnredacted(_ level: LogLevel, _ message: String) {
        Log.writeLine("<\(level.rawValue)>\(Log.escapingControlCharacters(message))\n")
    }

    /// One log line stays one line: C0 and C1 control characters and DEL (a `%0a<0>` in a URL, a newline
    /// in a file name) are written as `\n`, `\r`, `\t` or `\u{XX}`, so no value can forge a journal line or
    /// its `<N>` priority. Lines without them (nearly all) are returned as they are.
    public static func escapingControlCharacters(_ message: String) -> String {
        var text = message
        let clean = text.withUTF8 { bytes in
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                if byte < 0x20 || byte == 0x7F { return false }
                // U+0080...U+009F are C2 80...C2 9F in UTF-8.
                if byte == 0xC2, index + 1 < bytes.count, bytes[index + 1] < 0xA0 { return false }
                index += 1
            }
            return true
        }
        if clean { return message }
        var escaped = ""
        escaped.reserveCapacity(message.utf8.count + 16)
        for scalar in message.unicodeScalars {
            switch scalar.value {
            case 0x0A: escaped += "\\n"
            case 0x0D: escaped += "\\r"
            case 0x09: escaped += "\\t"
            case 0..<0x20, 0x7F..<0xA0:
                let hex = String(scalar.value, radix: 16, uppercase: true)
                escaped += "\\u{" + (hex.count < 2 ? "0" + hex : hex) + "}"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    /// A byte search: this runs for every secret on every line (access log lines included),
    /// and `String.contains` was the largest single cost of an access-log line.
    private static func contains(_ text: String, _ secret: String) -> Bool {
        var haystack = text
        var needle = secret
        return haystack.withUTF8 { h in
            needle.withUTF8 { n in
                guard let first = n.first, h.count >= n.count else { return n.isEmpty }
                for start in 0...(h.count - n.count) where h[start] == first {
                    if memcmp(h.baseAddress! + start, n.baseAddress!, n.count) == 0 { return true }
                }
                return false
            }
        }
    }

    /// One write(2) per line, so lines from different threads never interleave.
    private static func writeLine(_ line: String) {
        var bytes = Array(line.utf8)
        bytes.withUnsafeMutableBytes { _ = write(2, $0.baseAddress, $0.count) }
    }

    public func error(_ message: String) { log(.error, message) }
    public func warning(_ message: String) { log(.warning, message) }
    public func info(_ message: String) { log(.info, message) }
    public func debug(_ message: String) { log(.debug, message) }
}
