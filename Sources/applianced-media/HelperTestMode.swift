import Core
import MediaProtocol

#if canImport(Glibc)
    import Glibc
#endif

/// What a marker file asks a helper under test to do instead of decoding, to prove the crash path and
/// the sandbox from inside. Reachable only when the daemon passes `--test-modes` AND the helper's
/// environment has `APPLIANCED_MEDIA_TEST_MODES=1`; production sets neither. A marker file starts with
/// `applianced-media-test: ` and one of: `segv`, `socket`, `unshare`, `allocate`, `spin`, `fds`, `open PATH`.
enum HelperTestMode {
    case segv
    case socket
    /// A new user namespace.
    case unshare
    case allocate
    case spin
    /// Reports the open file descriptors (`open fds: 0,1,2,3,4`).
    case fds
    case open(String)

    static let prefix = "applianced-media-test: "

    #if arch(x86_64)
        static let sysUnshare = 272
    #elseif arch(arm64)
        static let sysUnshare = 97
    #endif

    static func enabled(_ policy: HelperPolicy) -> Bool {
        policy.testModes && getenv("APPLIANCED_MEDIA_TEST_MODES").map { String(cString: $0) } == "1"
    }

    /// The mode a marker file names; nil for any other file (which is decoded as usual).
    static func marker(at path: String) -> HelperTestMode? {
        guard let bytes = try? FileSystem.read(path, limit: 4096), let text = String(validating: bytes, as: UTF8.self),
            text.hasPrefix(prefix)
        else { return nil }
        let command = text.dropFirst(prefix.count).split(separator: "\n").first.map(String.init) ?? ""
        switch command {
        case "segv": return .segv
        case "socket": return .socket
        case "unshare": return .unshare
        case "allocate": return .allocate
        case "spin": return .spin
        case "fds": return .fds
        default: return command.hasPrefix("open ") ? .open(String(command.dropFirst(5))) : nil
        }
    }

    func run(policy: HelperPolicy) throws(HelperFailure) -> HelperReply {
        switch self {
        case .segv:
            raise(SIGSEGV)
            throw HelperFailure(.failed, "SIGSEGV did not end the helper")
        case .socket:
            let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            throw HelperFailure(.failed, "socket() was allowed (fd \(fd))")
        case .unshare:
            // glibc declares unshare(2) only under _GNU_SOURCE: the raw call, CLONE_NEWUSER = 0x10000000.
            typealias Syscall = @convention(c) (Int, Int) -> Int
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "syscall") else {
                throw HelperFailure(.failed, "no syscall symbol")
            }
            let rc = unsafeBitCast(symbol, to: Syscall.self)(Self.sysUnshare, 0x1000_0000)
            throw HelperFailure(.failed, "unshare(CLONE_NEWUSER) was allowed (\(rc))")
        case .allocate:
            // Touch 16 MiB blocks until the budget refuses one; the item fails as a decoder's would.
            var blocks: [UnsafeMutableRawPointer] = []
            defer { blocks.forEach { free($0) } }
            for _ in 0..<(policy.memoryMB / 16 + 64) {
                guard let block = malloc(16 << 20) else { throw HelperFailure(.memory, "memory budget exceeded") }
                memset(block, 1, 16 << 20)
                blocks.append(block)
            }
            throw HelperFailure(.failed, "allocated \(blocks.count * 16) MiB past a \(policy.memoryMB) MiB budget")
        case .spin:
            var counter: UInt64 = 0
            while true { counter &+= 1 }
        case .fds:
            let open = (0..<1024).filter { fcntl(Int32($0), F_GETFD) >= 0 }.map(String.init)
            throw HelperFailure(.failed, "open fds: " + open.joined(separator: ","))
        case .open(let path):
            let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
            guard fd < 0 else {
                close(fd)
                throw HelperFailure(.failed, "opened '\(path)'")
            }
            throw HelperFailure(.unreadable, SystemError(code: errno, call: "open", subject: path).description)
        }
    }
}
