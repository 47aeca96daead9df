import Core
import Dispatch
import Media
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Paths and tools the media tests need, and a way to run the Debian ffmpeg CLI. Decodes and ffmpeg
/// runs block for seconds, so tests make them through the async faces here, which run them on a thread
/// of their own: a test body never holds a thread of Swift's cooperative pool (see `PoolStarvationTests`).
enum MediaSupport {
    static let repoRoot = FileSystem.parentDirectory(of: FileSystem.parentDirectory(of: FileSystem.parentDirectory(of: #filePath)))
    static let sharedMedia = repoRoot + "/../shared/media"
    static var hasSharedMedia: Bool { FileSystem.isDirectory(sharedMedia) }
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

    private static let decodeSlots = DispatchSemaphore(value: max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))))

    /// `ThumbnailExtractor.extract` on a thread of its own.
    static func extract(
        path: String, options: ThumbnailOptions = ThumbnailOptions(), cancellation: CancellationFlag = CancellationFlag(),
        progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }
    ) async throws(MediaError) -> ThumbnailResult {
        let outcome = try? await offPool { () -> Result<ThumbnailResult, MediaError> in
            // As many decodes at once as there are cores, as when they ran on the pool; the rest wait
            // here, on their own threads.
            decodeSlots.wait()
            defer { decodeSlots.signal() }
            do throws(MediaError) {
                return .success(try ThumbnailExtractor.extract(path: path, options: options, cancellation: cancellation, progress: progress))
            } catch {
                return .failure(error)
            }
        }
        guard let outcome else { preconditionFailure("could not start a thread for the decode") }
        return try outcome.get()
    }

    /// Runs ffmpeg quietly with `arguments` on a thread of its own; true when it exits 0.
    static func ffmpeg(_ arguments: [String]) async -> Bool {
        (try? await offPool { runFFmpeg(arguments) }) ?? false
    }

    /// Runs ffmpeg quietly with `arguments`; true when it exits 0. Blocks: tests call `ffmpeg`.
    private static func runFFmpeg(_ arguments: [String]) -> Bool {
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
