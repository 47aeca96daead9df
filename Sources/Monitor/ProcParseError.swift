import Core

/// A `/proc` or `/sys` file that did not have the expected layout: which file, which line, what was wrong.
public struct ProcParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let reason: String

    public init(file: String, line: Int, reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    public var description: String { "\(file):\(line): \(reason)" }
}

/// Splitting helpers shared by the parsers. They look at UTF-8 bytes, not Characters: every separator
/// in a `/proc` file is ASCII, and splitting by Character walked grapheme boundaries over each byte of
/// each file every second (the sampler was 97 % of an idle daemon's instructions under callgrind, most
/// of it in String's Character indexing).
enum Fields {
    /// Fields separated by runs of spaces and tabs.
    static func split(_ line: Substring) -> [Substring] {
        line.split(onBytes: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") })
    }

    /// Lines, without empty ones.
    static func lines(_ text: String) -> [Substring] {
        text[...].split(onBytes: { $0 == UInt8(ascii: "\n") })
    }
}
