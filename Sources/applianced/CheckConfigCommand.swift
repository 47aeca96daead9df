import Config
import Core

/// `applianced check-config [--root DIR]`: validates every config file and the environment without starting,
/// prints each problem as `file:line:column: message`, and exits 1 when there is any (like `nginx -t`).
enum CheckConfigCommand {
    static let command = Command(
        name: "check-config", usage: "check-config [--root DIR]", summary: "Validate the configuration files and exit"
    ) { arguments in
        let root: String
        do {
            root = try ParsedOptions(arguments, valued: ["--root"]).values["--root"] ?? "/"
        } catch {
            CommandLineTool.printError("applianced check-config: \(error)")
            return 2
        }
        let paths = ConfigPaths(root: root)
        let result = ConfigLoader(paths: paths, environment: ConfigStore.processEnvironment()).load()
        for issue in result.issues { CommandLineTool.printError(issue.description) }
        for warning in result.warnings { CommandLineTool.printError("warning: \(warning)") }
        if !result.issues.isEmpty {
            CommandLineTool.printError("applianced: configuration has \(result.issues.count) error(s)")
            return 1
        }
        let files = result.files.isEmpty ? "built-in defaults only" : result.files.joined(separator: ", ")
        print("applianced: configuration ok (\(files))")
        return 0
    }
}
