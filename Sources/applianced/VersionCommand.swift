import Core

/// `applianced version`: prints the version.
enum VersionCommand {
    static let command = Command(name: "version", usage: "version", summary: "Print the version and exit") { arguments in
        guard arguments.isEmpty else {
            CommandLineTool.printError("applianced version: unexpected argument '\(arguments[0])'")
            return 2
        }
        print("applianced \(ApplianceVersion.current)")
        return 0
    }
}
