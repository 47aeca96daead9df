import Core

/// Where the config files of one root live: `<root>/etc/applianced/{applianced.toml,secrets.toml,conf.d/}`.
public struct ConfigPaths: Sendable, Equatable {
    public let directory: String

    /// `root` is `/` on the box, or the `--root DIR` of a developer, a test or a trial run.
    public init(root: String) {
        let trimmed = root.hasSuffix("/") ? String(root.dropLast()) : root
        directory = trimmed + "/etc/applianced"
    }

    public init(directory: String) {
        self.directory = directory
    }

    public var mainFile: String { directory + "/applianced.toml" }
    public var secretsFile: String { directory + "/secrets.toml" }
    public var dropInDirectory: String { directory + "/conf.d" }

    /// Drop-ins in lexical order: `*.toml`, hidden files (editors' and our temp files) left out.
    public func dropInFiles() -> [String] {
        FileSystem.list(dropInDirectory)
            .filter { $0.hasSuffix(".toml") && !$0.hasPrefix(".") }
            .map { dropInDirectory + "/" + $0 }
    }
}
