import Core

#if canImport(Glibc)
    import Glibc
#endif

/// Paths and tools the media tests need, and a way to run the Debian ffmpeg CLI.
enum TestSupport {
    static let repoRoot = FileSystem.parentDirectory(of: FileSystem.parentDirectory(of: FileSystem.parentDirectory(of: #filePath)))
    static let sharedMedia = repoRoot + "/../shared/media"
    static let ffmpeg: String? = ["/usr/bin/ffmpeg", "/usr/local/bin/ffmpeg"].first(where: { (path: String) in access(path, X_OK) == 0 })

    /// A fresh directory under /tmp for one test.
    static func temporaryDirectory(_ name: String) -> String {
        var template = Array("/tmp/media-tests-\(name)-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp failed")
        return template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    static func removeTree(_ path: String) {
        for name in FileSystem.list(path) {
            let child = path + "/" + name
            if FileSystem.isDirectory(child) { removeTree(child) } else { unlink(child) }
        }
        rmdir(path)
    }

    /// Runs ffmpeg quietly with `arguments`; true when it exits 0.
    static func runFFmpeg(_ arguments: [String]) -> Bool {
        guard let ffmpeg else { return false }
        let argv = [ffmpeg, "-nostdin", "-v", "error", "-y"] + arguments
        var cArguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for pointer in cArguments { free(pointer) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, ffmpeg, nil, nil, &cArguments, environ) == 0 else { return false }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return status == 0
    }

    static func writeFile(_ path: String, _ bytes: [UInt8]) throws {
        try FileSystem.writeAtomically(path, bytes)
    }
}
