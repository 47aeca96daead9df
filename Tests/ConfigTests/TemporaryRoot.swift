import Core

@testable import Config

#if canImport(Glibc)
    import Glibc
#endif

/// A fresh `--root` directory under /tmp for one test, removed when the value goes away.
final class TemporaryRoot {
    let path: String
    var paths: ConfigPaths { ConfigPaths(root: path) }

    init() throws {
        var template = Array("/tmp/config-test-XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw SystemError(code: errno, call: "mkdtemp")
        }
        path = String(cString: made)
        try FileSystem.makeDirectories(path + "/etc/applianced/conf.d")
    }

    deinit {
        remove(path)
    }

    func write(_ relative: String, _ text: String) throws {
        try FileSystem.writeAtomically(path + "/" + relative, Array(text.utf8))
    }

    func read(_ relative: String) throws -> String {
        try FileSystem.readText(path + "/" + relative)
    }

    /// Replaces a file the way editors save: write a new file beside it, then rename it into place.
    func renameIntoPlace(_ relative: String, _ text: String) throws {
        let target = path + "/" + relative
        let temp = target + ".editor-swap"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        close(fd)
        rename(temp, target)
    }

    private func remove(_ path: String) {
        if FileSystem.isDirectory(path) {
            for name in FileSystem.list(path) { remove(path + "/" + name) }
            rmdir(path)
        } else {
            unlink(path)
        }
    }
}
