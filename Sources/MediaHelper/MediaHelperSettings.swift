import Core
public import MediaProtocol

#if canImport(Glibc)
    import Glibc
#endif

/// Where the media helper is and how each one is confined: the `[workers]` and `[limits]` keys
/// (`workers.media_helper`, `workers.idle_exit_s`, `limits.worker_memory_mb`, `limits.worker_item_cpu_s`,
/// `limits.worker_nice`, `limits.worker_idle_io`).
public struct MediaHelperSettings: Sendable, Equatable {
    /// The `applianced-media` executable.
    public var executable: String
    /// Seconds a worker's helper stays after its last item before it is ended.
    public var idleExitSeconds: Int
    public var memoryMB: Int
    public var itemCPUSeconds: Int
    public var nice: Int
    public var idleIO: Bool
    /// Lets the helper's test modes run (the daemon under test only; see `HelperTestMode` in the helper).
    public var testModes: Bool

    public static let idleExitRange = 0...3600

    public init(
        executable: String = MediaHelperSettings.defaultExecutable, idleExitSeconds: Int = 30, memoryMB: Int = 256,
        itemCPUSeconds: Int = 900, nice: Int = 19, idleIO: Bool = true, testModes: Bool = false
    ) {
        self.executable = executable
        self.idleExitSeconds = idleExitSeconds
        self.memoryMB = memoryMB
        self.itemCPUSeconds = itemCPUSeconds
        self.nice = nice
        self.idleIO = idleIO
        self.testModes = testModes
    }

    /// `applianced-media` next to the running executable (`/proc/self/exe`): the daemon's folder in the
    /// image and in `.build/debug` (where the test bundle is too).
    public static var defaultExecutable: String {
        guard let path = FileSystem.executablePath(), let slash = path.lastIndex(of: "/") else { return "applianced-media" }
        return String(path[..<slash]) + "/applianced-media"
    }

    /// The helper's policy for the given folders and render nodes.
    public func policy(read: [String], devices: [String] = [], write: [String]) -> HelperPolicy {
        HelperPolicy(
            readPaths: read, devicePaths: devices, writePaths: write, memoryMB: memoryMB, itemCPUSeconds: itemCPUSeconds, nice: nice, idleIO: idleIO,
            testModes: testModes)
    }
}
