import CSyscall
import Core
import Dispatch
import FoundationEssentials
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A system unit named in the config (e.g. `plexmediaserver.service`): state from `systemctl is-active`,
/// memory and CPU from its cgroup v2 files, restart with `systemctl restart`; spawned without a shell.
public final class SystemdUnit: ManagedService {
    public let name: String
    public let unit: String
    public let port: Int?
    public let url: String?
    private let systemctl: String
    private let cgroupRoot: String
    private let lastCPU = Mutex<(usec: UInt64, at: Double)?>(nil)

    /// `unit` must be a plain unit name (letters, digits, `@._-`, ending in a unit type); a programmer
    /// or config error otherwise, reported by `validUnitName`.
    public init(
        name: String, unit: String, port: Int? = nil, url: String? = nil, systemctl: String = "/usr/bin/systemctl",
        cgroupRoot: String = "/sys/fs/cgroup/system.slice"
    ) {
        self.name = name
        self.unit = unit
        self.port = port
        self.url = url
        self.systemctl = systemctl
        self.cgroupRoot = cgroupRoot
    }

    public static func validUnitName(_ unit: String) -> Bool {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@._-\\:")
        let types = [".service", ".socket", ".timer", ".mount", ".target", ".path"]
        return unit.count <= 200 && !unit.hasPrefix("-") && unit.allSatisfy(allowed.contains)
            && types.contains(where: unit.hasSuffix)
    }

    public func check() async -> ServiceState {
        guard Self.validUnitName(unit) else { return ServiceState(status: "unknown", health: "unknown", detail: "invalid unit name") }
        let (code, output) = await systemctl(["is-active", unit])
        let word = output.split(separator: "\n").first.map(String.init) ?? ""
        let status: String
        switch word {
        case "active", "reloading", "activating": status = "running"
        case "failed": status = "failed"
        case "inactive", "deactivating": status = "stopped"
        default: status = "unknown"
        }
        let base = "\(cgroupRoot)/\(unit)"
        let memory = FileSystem.readIfPresent("\(base)/memory.current").flatMap { UInt64($0.split(separator: "\n").first ?? "") }
        return ServiceState(
            status: status, health: code == 0 ? "healthy" : status == "unknown" ? "unknown" : "unhealthy",
            detail: word.isEmpty ? nil : word, memoryBytes: memory, cpuPercent: cpuPercent(base))
    }

    /// From `usage_usec` in `cpu.stat`, between this check and the previous one.
    private func cpuPercent(_ base: String) -> Double? {
        guard let text = FileSystem.readIfPresent("\(base)/cpu.stat"),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("usage_usec ") }),
            let usec = UInt64(line.dropFirst("usage_usec ".count))
        else { return nil }
        let now = SystemReader.monotonicSeconds()
        let previous = lastCPU.withLock { last in
            defer { last = (usec, now) }
            return last
        }
        guard let previous, now > previous.at, usec >= previous.usec else { return nil }
        return Double(usec - previous.usec) / 1e6 / (now - previous.at) * 100
    }

    public func restart() async throws {
        guard Self.validUnitName(unit) else { throw SystemError(code: EINVAL, call: "systemctl restart", subject: unit) }
        let (code, output) = await systemctl(["restart", unit])
        guard code == 0 else {
            throw ServiceRestartError(service: name, reason: output.isEmpty ? "systemctl exited with \(code)" : output)
        }
    }

    /// Runs systemctl on a Dispatch thread, never on the cooperative pool: `restart` waits for the unit, and
    /// even `is-active` can take seconds on a loaded box, which would hold up every other task.
    private func systemctl(_ arguments: [String]) async -> (Int32, String) {
        let path = systemctl
        return await withCheckedContinuation { continuation in
            DispatchQueue.global(qos: .utility).async { continuation.resume(returning: Self.run(path, arguments)) }
        }
    }

    /// posix_spawn with an argument vector (no shell); stdout and stderr captured together, up to 64 KiB.
    static func run(_ path: String, _ arguments: [String]) -> (Int32, String) {
        var pipeFDs: [Int32] = [-1, -1]
        guard pipe(&pipeFDs) == 0 else { return (-1, "pipe failed: errno \(errno)") }
        // Close-on-exec (the child's dup2 copies are not), so a child spawned by another thread does not keep
        // the write end open and this read waiting. (Glibc's module does not export pipe2.)
        for fd in pipeFDs { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], 1)
        posix_spawn_file_actions_adddup2(&actions, pipeFDs[1], 2)
        posix_spawn_file_actions_addclose(&actions, pipeFDs[0])
        // Nothing else of the daemon's (libcurl's sockets, inotify, udev) goes to systemctl.
        posix_spawn_file_actions_addclosefrom_np(&actions, 3)
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid = pid_t()
        let rc = posix_spawn(&pid, path, &actions, nil, argv, environ)
        close(pipeFDs[1])
        defer { close(pipeFDs[0]) }
        guard rc == 0 else { return (-1, "cannot run \(path): \(String(cString: strerror(rc)))") }
        var output: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while output.count < 65_536 {
            let count = buffer.withUnsafeMutableBytes { read(pipeFDs[0], $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            output += buffer[0..<count]
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exited = (status & 0x7f) == 0
        let text = String(decoding: output, as: UTF8.self).trimmingCharacters(in: "\n ")
        return (exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), text)
    }
}

/// A restart that did not work, with what the service or systemctl said.
public struct ServiceRestartError: Error, Sendable, CustomStringConvertible {
    public let service: String
    public let reason: String

    public init(service: String, reason: String) {
        self.service = service
        self.reason = reason
    }

    public var description: String { "\(service): \(reason)" }
}

extension String {
    func trimmingCharacters(in set: String) -> String { self[...].trimmingCharacters(in: set) }
}
