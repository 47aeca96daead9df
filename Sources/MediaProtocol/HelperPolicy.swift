/// How a media helper is confined, given on its command line by the daemon: the folders it may read
/// and write, its memory budget, its CPU time per item and its priority. The helper applies all of it
/// before it reads its first request.
public struct HelperPolicy: Sendable, Equatable {
    /// Folders (or files) the helper may read: media roots.
    public var readPaths: [String]
    /// Device nodes the helper may open read-write: the render node of a GPU worker.
    public var devicePaths: [String]
    /// Folders the helper may create files in: where BIFs go.
    public var writePaths: [String]
    /// `RLIMIT_DATA`, and `RLIMIT_AS` above what the helper maps at start (`limits.worker_memory_mb`).
    public var memoryMB: Int
    /// `RLIMIT_CPU` per item, in seconds of CPU time (`limits.worker_item_cpu_s`).
    public var itemCPUSeconds: Int
    public var nice: Int
    public var idleIO: Bool
    /// Lets the test modes run (also needs `APPLIANCED_MEDIA_TEST_MODES=1` in the helper's environment).
    public var testModes: Bool

    public static let memoryRange = 32...65536
    public static let cpuRange = 1...86400

    public init(
        readPaths: [String] = [], devicePaths: [String] = [], writePaths: [String] = [], memoryMB: Int = 256,
        itemCPUSeconds: Int = 900, nice: Int = 19, idleIO: Bool = true, testModes: Bool = false
    ) {
        self.readPaths = readPaths
        self.devicePaths = devicePaths
        self.writePaths = writePaths
        self.memoryMB = memoryMB
        self.itemCPUSeconds = itemCPUSeconds
        self.nice = nice
        self.idleIO = idleIO
        self.testModes = testModes
    }

    /// The helper's command-line arguments.
    public var arguments: [String] {
        var arguments = readPaths.flatMap { ["--read", $0] } + devicePaths.flatMap { ["--device", $0] } + writePaths.flatMap { ["--write", $0] }
        arguments += ["--memory-mb", String(memoryMB), "--item-cpu-s", String(itemCPUSeconds), "--nice", String(nice)]
        if idleIO { arguments.append("--idle-io") }
        if testModes { arguments.append("--test-modes") }
        return arguments
    }

    /// Parses `arguments` (without the program name); throws a readable reason.
    public init(arguments: [String]) throws(HelperFailure) {
        self.init(idleIO: false)
        var index = 0
        func value(_ name: String) throws(HelperFailure) -> String {
            index += 1
            guard index < arguments.count, !arguments[index].isEmpty else { throw HelperFailure(.failed, "\(name) needs a value") }
            return arguments[index]
        }
        func number(_ name: String, _ range: ClosedRange<Int>) throws(HelperFailure) -> Int {
            let text = try value(name)
            guard let parsed = Int(text), range.contains(parsed) else {
                throw HelperFailure(.failed, "\(name) \(text) is outside \(range.lowerBound)...\(range.upperBound)")
            }
            return parsed
        }
        while index < arguments.count {
            switch arguments[index] {
            case "--read": readPaths.append(try value("--read"))
            case "--device": devicePaths.append(try value("--device"))
            case "--write": writePaths.append(try value("--write"))
            case "--memory-mb": memoryMB = try number("--memory-mb", Self.memoryRange)
            case "--item-cpu-s": itemCPUSeconds = try number("--item-cpu-s", Self.cpuRange)
            case "--nice": nice = try number("--nice", 0...19)
            case "--idle-io": idleIO = true
            case "--test-modes": testModes = true
            default: throw HelperFailure(.failed, "unknown argument '\(arguments[index])'")
            }
            index += 1
        }
    }
}
