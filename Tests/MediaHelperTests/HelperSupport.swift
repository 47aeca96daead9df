import Core
import MediaHelper
import MediaProtocol
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// The built `applianced-media` (next to the test bundle in `.build/debug`), the shared samples, marker
/// files for the helper's test modes, and a look at whether a helper process is still around.
enum HelperSupport {
    static let repoRoot = FileSystem.parentDirectory(of: FileSystem.parentDirectory(of: FileSystem.parentDirectory(of: #filePath)))
    static let sharedMedia = repoRoot + "/../shared/media"
    static var hasSharedMedia: Bool { FileSystem.isDirectory(sharedMedia) }
    static var helperBuilt: Bool { access(MediaHelperSettings.defaultExecutable, X_OK) == 0 }

    /// Settings for a helper under test: test modes on (the environment switch is set here too), a small
    /// budget, a short CPU limit.
    static func settings(testModes: Bool = true, memoryMB: Int = 128, itemCPUSeconds: Int = 20) -> MediaHelperSettings {
        setenv("APPLIANCED_MEDIA_TEST_MODES", "1", 1)
        return MediaHelperSettings(memoryMB: memoryMB, itemCPUSeconds: itemCPUSeconds, nice: 0, idleIO: false, testModes: testModes)
    }

    /// A fresh directory under /tmp.
    static func temporaryDirectory(_ name: String) -> String {
        var template = Array("/tmp/helper-tests-\(name)-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp failed")
        return template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    static func removeTree(_ path: String) {
        _ = "rm -rf '\(path)'".withCString { system($0) }
    }

    /// Writes a marker file naming a test mode (`segv`, `socket`, `allocate`, `spin`, `open PATH`).
    static func marker(_ directory: String, _ mode: String) throws -> String {
        let path = directory + "/marker-\(mode.split(separator: " ")[0]).mkv"
        try FileSystem.writeAtomically(path, Array("applianced-media-test: \(mode)\n".utf8))
        return path
    }

    /// Whether `pid` still exists in any state (a zombie included): false once it is reaped.
    static func exists(_ pid: Int32) -> Bool {
        FileSystem.exists("/proc/\(pid)")
    }

    /// Helper processes whose command line mentions `text` (a test's own temp folder).
    static func helpers(mentioning text: String) -> [Int32] {
        FileSystem.list("/proc").compactMap { Int32($0) }.filter { pid in
            guard let bytes = try? FileSystem.read("/proc/\(pid)/cmdline", limit: 65536) else { return false }
            let line = String(decoding: bytes.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
            return line.contains("applianced-media") && line.contains(text)
        }
    }
}
