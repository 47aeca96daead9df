import Core
import Dispatch

#if canImport(Glibc)
    import Glibc
#endif

/// Paths and a shell runner for tests that drive the built `applianced` and Debian's umockdev.
enum TestSupport {
    /// The repository root, from this file's path.
    static let repoRoot: String = {
        var path = #filePath
        for _ in 0..<3 { path = FileSystem.parentDirectory(of: path) }
        return path
    }()

    /// `../shared/udev` next to the repository, or nil when absent.
    static var udevRecordings: String? {
        let path = FileSystem.parentDirectory(of: repoRoot) + "/shared/udev"
        return FileSystem.exists(path + "/expected-libudev-view.json") ? path : nil
    }

    /// The `applianced` binary that `swift build --build-tests` built, or nil.
    static var appliancedBinary: String? {
        for candidate in [
            ".build/debug/applianced", ".build/x86_64-unknown-linux-gnu/debug/applianced",
            ".build/aarch64-unknown-linux-gnu/debug/applianced",
        ] {
            let path = repoRoot + "/" + candidate
            if access(path, X_OK) == 0 { return path }
        }
        return nil
    }

    static func hasTool(_ name: String) -> Bool {
        run("command -v \(name)").status == 0
    }

    /// Runs a shell command line; stdout is returned, stderr goes to /dev/null unless redirected.
    /// `run` on a Dispatch thread: a command that takes seconds (umockdev, cc) must not hold one of the few
    /// cooperative threads every other test's tasks need.
    static func runOffPool(_ command: String) async -> (status: Int32, output: String) {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: run(command)) }
        }
    }

    static func run(_ command: String) -> (status: Int32, output: String) {
        guard let pipe = popen("\(command) 2>/dev/null", "r") else { return (-1, "") }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&chunk, 1, chunk.count, pipe)
            if count == 0 { break }
            bytes.append(contentsOf: chunk[0..<count])
        }
        let status = pclose(pipe)
        return ((status >> 8) & 0xff, String(decoding: bytes, as: UTF8.self))
    }

    /// Single-quotes a word for the shell.
    static func quote(_ word: String) -> String {
        "'" + word.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }
}
