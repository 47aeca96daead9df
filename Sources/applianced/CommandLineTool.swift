#if canImport(Glibc)
import Glibc
#endif
import Core

/// A subcommand of `applianced`: its name, one-line help and entry point (returns the exit code).
struct Command: Sendable {
    let name: String
    let usage: String
    let summary: String
    let run: @Sendable ([String]) -> Int32
}

/// A command-line mistake: printed as one line, exit code 2.
struct UsageError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

/// Hand-written argument parsing and dispatch for `applianced <command> [options]`.
enum CommandLineTool {
    /// Every command, in the order `--help` lists them. Each command lives in its own file.
    static let commands: [Command] = [
        ServeCommand.command,
        VersionCommand.command,
        CheckConfigCommand.command,
        ConfigCommand.command,
        HardwareCommand.command,
        BIFCommand.command,
    ]

    static func run(_ arguments: [String]) -> Int32 {
        guard let first = arguments.first else {
            printError("applianced: missing command (try 'applianced --help')")
            return 2
        }
        if first == "--help" || first == "-h" || first == "help" {
            print(helpText())
            return 0
        }
        if first == "--version" {
            return VersionCommand.command.run([])
        }
        guard let command = commands.first(where: { $0.name == first }) else {
            printError("applianced: unknown command '\(first)' (try 'applianced --help')")
            return 2
        }
        let rest = Array(arguments.dropFirst())
        if rest.contains("--help") || rest.contains("-h") {
            print("usage: applianced \(command.usage)\n\n\(command.summary)")
            return 0
        }
        return command.run(rest)
    }

    static func helpText() -> String {
        var lines = ["usage: applianced <command> [options]", "", "Commands:"]
        let width = commands.map(\.usage.count).max() ?? 0
        for command in commands {
            lines.append("  " + command.usage.padding(toLength: width + 2) + command.summary)
        }
        lines.append("")
        lines.append("Run 'applianced <command> --help' for one command.")
        return lines.joined(separator: "\n")
    }

    static func printError(_ message: String) {
        var bytes = Array((message + "\n").utf8)
        bytes.withUnsafeMutableBytes { _ = write(2, $0.baseAddress, $0.count) }
    }
}

/// Options of the form `--name value` or `--name=value`, and bare flags.
struct ParsedOptions {
    private(set) var values: [String: String] = [:]
    private(set) var flags: Set<String> = []
    private(set) var positional: [String] = []

    /// Parses `arguments`: `valued` options take a value, `flags` take none; anything else is a `UsageError`.
    init(_ arguments: [String], valued: Set<String>, flags allowedFlags: Set<String> = [], maxPositional: Int = 0) throws(UsageError) {
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument.hasPrefix("-") && argument != "-" {
                var name = argument
                var inline: String?
                if let eq = argument.firstIndex(of: "=") {
                    name = String(argument[..<eq])
                    inline = String(argument[argument.index(after: eq)...])
                }
                if valued.contains(name) {
                    if let inline {
                        values[name] = inline
                    } else {
                        guard index < arguments.count else { throw UsageError("option '\(name)' needs a value") }
                        values[name] = arguments[index]
                        index += 1
                    }
                } else if allowedFlags.contains(name), inline == nil {
                    flags.insert(name)
                } else {
                    throw UsageError("unknown option '\(argument)'")
                }
            } else {
                guard positional.count < maxPositional else { throw UsageError("unexpected argument '\(argument)'") }
                positional.append(argument)
            }
        }
    }

    /// An integer option within `range`, or the default.
    func integer(_ name: String, default fallback: Int, in range: ClosedRange<Int>) throws(UsageError) -> Int {
        guard let text = values[name] else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw UsageError("option '\(name)': '\(text)' is not a number in \(range.lowerBound)...\(range.upperBound)")
        }
        return value
    }
}

extension String {
    func padding(toLength length: Int) -> String {
        count >= length ? self : self + String(repeating: " ", count: length - count)
    }
}
