import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Small clips made at test time by Debian's `ffmpeg` (a test dependency), for tests that need only
/// some video: a clone without `../shared` runs them. Made once per process, off the cooperative
/// pool, under `/tmp/test-clips-<pid>`. The real samples stay for what only they show (broken
/// containers, HDR, specific codecs); tests that need those skip without `../shared`.
public enum TestClips {
    /// One kind of clip; the raw value is its file name (the extension picks the container).
    public enum Kind: String, Sendable, CaseIterable {
        /// 8 s of 320x240 H.264 at 24 fps, a keyframe every 2 s, in MP4.
        case h264 = "clip-h264.mp4"
        /// 6 s of 176x144 MPEG-4 part 2 at 15 fps in MP4.
        case mpeg4 = "clip-mpeg4.mp4"
        /// 6 s of 160x120 MPEG-4 part 2 at 15 fps in AVI.
        case avi = "clip-mpeg4.avi"
        /// 10 minutes of 160x120 H.264 at 5 fps in Matroska: long enough to cancel mid-file.
        case long = "clip-long.mkv"
        /// The first 4 KiB of the H.264 MP4 (the index is at its end): a file no decoder can open.
        case broken = "broken.mov"

        var arguments: [String] {
            switch self {
            case .h264:
                [
                    "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=24:duration=8", "-c:v", "libx264", "-preset", "ultrafast",
                    "-g", "48", "-pix_fmt", "yuv420p",
                ]
            case .mpeg4:
                ["-f", "lavfi", "-i", "testsrc=size=176x144:rate=15:duration=6", "-c:v", "mpeg4", "-q:v", "5"]
            case .avi:
                ["-f", "lavfi", "-i", "smptebars=size=160x120:rate=15:duration=6", "-c:v", "mpeg4", "-q:v", "5"]
            case .long:
                [
                    "-f", "lavfi", "-i", "testsrc=size=160x120:rate=5:duration=600", "-c:v", "libx264", "-preset", "ultrafast",
                    "-g", "50", "-pix_fmt", "yuv420p",
                ]
            case .broken: []
            }
        }
    }

    /// The failure to make a clip: ffmpeg missing or exiting non-zero.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public static let ffmpeg: String? = ChildProcess.which("ffmpeg")
    public static var available: Bool { ffmpeg != nil }

    private static let directory = "/tmp/test-clips-\(getpid())"
    private static let made = Mutex<[Kind: String]>([:])

    /// The clip's path, made on first use.
    public static func path(_ kind: Kind) async throws -> String {
        try await offPool { try blockingPath(kind) }
    }

    private static func blockingPath(_ kind: Kind) throws -> String {
        try made.withLock { made in
            if let path = made[kind] { return path }
            if made.isEmpty, mkdir(directory, 0o755) == 0 {
                atexit { _ = "rm -rf '/tmp/test-clips-\(getpid())'".withCString { system($0) } }
            }
            let path = "\(directory)/\(kind.rawValue)"
            if kind == .broken {
                let source = try blockingMake(.h264, into: &made)
                try truncatedCopy(source, to: path, bytes: 4096)
            } else {
                _ = try blockingMake(kind, into: &made)
            }
            made[kind] = path
            return path
        }
    }

    private static func blockingMake(_ kind: Kind, into made: inout [Kind: String]) throws -> String {
        if let path = made[kind] { return path }
        guard let ffmpeg else { throw Failure(description: "ffmpeg is not installed") }
        let path = "\(directory)/\(kind.rawValue)"
        let argv = [ffmpeg, "-nostdin", "-v", "error", "-y"] + kind.arguments + [path]
        var cArguments: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, ffmpeg, nil, nil, &cArguments, environ) == 0 else {
            throw Failure(description: "posix_spawn ffmpeg failed")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        guard status == 0 else { throw Failure(description: "ffmpeg failed to make \(kind.rawValue) (status \(status))") }
        made[kind] = path
        return path
    }

    private static func truncatedCopy(_ source: String, to path: String, bytes count: Int) throws {
        let input = open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw Failure(description: "open \(source) failed") }
        defer { close(input) }
        var bytes = [UInt8](repeating: 0, count: count)
        let n = read(input, &bytes, count)
        let output = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard n > 0, output >= 0 else { throw Failure(description: "copy to \(path) failed") }
        defer { close(output) }
        guard write(output, bytes, n) == n else { throw Failure(description: "write \(path) failed") }
    }
}
