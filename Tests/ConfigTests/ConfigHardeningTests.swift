import Core
import Dispatch
import Synchronization
import Testing

@testable import Config

#if canImport(Glibc)
    import Glibc
#endif

/// What issue 18 found in the config store, each at the level a user notices: the file on disk, the value in force,
/// the error. Real files in a temp root; the binary where the user runs it.
struct ConfigHardeningTests {
    // MARK: A read failure never becomes an empty file

    @Test func oversizedFileIsNeverReplacedByAWrite() throws {
        let root = try TemporaryRoot()
        // Valid TOML, over the 4 MiB read limit: a comment line repeated.
        let big = "[workers]\ngpu_threads = 2\n" + String(repeating: "# padding padding padding padding padding padding\n", count: 90_000)
        try root.write("etc/applianced/applianced.toml", big)
        let store = ConfigStore(paths: root.paths, environment: [:])
        #expect(!store.status.ok)
        #expect(store.status.issues.first?.message.contains("over the limit") == true)
        let error = #expect(throws: ConfigWriteError.self) { try store.update([("workers.cpu_threads", 4)]) }
        guard case .fileUnreadable(let file, .tooLarge)? = error else {
            Issue.record("expected .fileUnreadable(.tooLarge), got \(String(describing: error))")
            return
        }
        #expect(file == root.paths.mainFile)
        #expect(try root.read("etc/applianced/applianced.toml") == big)
    }

    /// The size check on the edited text, with a 64 KiB limit (the rule is the same at 4 MiB, and parsing 4 MiB in
    /// a debug build would hold a test thread for many seconds).
    @Test func writeThatWouldPassTheSizeLimitIsRefused() throws {
        let root = try TemporaryRoot()
        let limit = 64 << 10
        var text = "[workers]\ngpu_threads = 2\n"
        text += String(repeating: "#", count: limit - 40 - text.utf8.count - 1) + "\n"
        try root.write("etc/applianced/applianced.toml", text)
        let store = ConfigStore(paths: root.paths, environment: [:], fileSizeLimit: limit)
        #expect(store.status.ok)
        let error = #expect(throws: ConfigWriteError.self) {
            try store.update([("plex.name", .string(String(repeating: "n", count: 200)))])
        }
        guard case .rejected(let issues)? = error else {
            Issue.record("expected .rejected, got \(String(describing: error))")
            return
        }
        #expect(issues.count == 1)
        #expect(issues.first?.message.hasSuffix("bytes, over the limit of 65536 bytes") == true, "\(issues)")
        #expect(try root.read("etc/applianced/applianced.toml") == text)
        #expect(store.snapshot.string("plex.name") == "")
    }

    @Test func loaderRefusesAnOverrideOverTheLimitWithoutParsingIt() {
        let root = try? TemporaryRoot()
        guard let root else { return }
        let loader = ConfigLoader(paths: root.paths, environment: [:])
        let result = loader.load(overrides: [root.paths.mainFile: [UInt8](repeating: 0x23, count: ConfigFile.sizeLimit + 1)])
        #expect(result.snapshot == nil)
        #expect(result.issues.map(\.message) == ["file is 4194305 bytes, over the limit of 4194304 bytes (4 MiB)"])
    }

    @Test(arguments: [
        ("plex.name", 256), ("server.domain", 256), ("plex.url", 2048), ("plex.media_path", 4096), ("plex.token", 4096),
        ("plex.videos_path_mapping", 4096),
    ])
    func everyStringSettingHasALengthLimit(key: String, limit: Int) throws {
        let spec = try #require(SettingsSchema.standard.spec(named: key))
        #expect(spec.maxBytes == limit)
        let prefix = spec.type == .url ? "http://" : spec.type == .path ? "/" : ""
        let fits = prefix + String(repeating: "a", count: limit - prefix.utf8.count)
        #expect(spec.problem(with: .string(fits)) == nil)
        #expect(spec.problem(with: .string(fits + "a")) == "'\(key)' must be at most \(limit) bytes long, not \(limit + 1)")
    }

    @Test func everyStringSettingOfTheSchemaIsBounded() {
        for spec in SettingsSchema.standard.specs {
            switch spec.type {
            case .string, .url, .path, .stringList: #expect(spec.maxBytes > 0 && spec.maxBytes <= 4096, "\(spec.key)")
            default: continue
            }
        }
    }

    @Test func tooLongValueInAFileIsAnErrorWithItsPlace() throws {
        let root = try TemporaryRoot()
        try root.write("etc/applianced/applianced.toml", "[plex]\n\n  name = \"\(String(repeating: "x", count: 300))\"\n")
        let store = ConfigStore(paths: root.paths, environment: [:])
        #expect(
            store.status.issues.map(\.description) == [
                "\(root.paths.mainFile):3:3: 'plex.name' must be at most 256 bytes long, not 300"
            ])
        #expect(throws: ConfigWriteError.self) { try store.update([("plex.name", .string(String(repeating: "y", count: 257)))]) }
    }

    // MARK: No success for a value that is not in force

    @Test func writeBesideASchemaErrorIsRefusedAndChangesNothing() throws {
        let root = try TemporaryRoot()
        let text = "[workers]\ngpu_threads = 2\ncolour = \"red\"\n"
        try root.write("etc/applianced/applianced.toml", text)
        let store = ConfigStore(paths: root.paths, environment: [:])
        #expect(!store.status.ok)
        let error = #expect(throws: ConfigWriteError.self) { try store.update([("workers.cpu_threads", 5)]) }
        guard case .configInvalid(let issues)? = error else {
            Issue.record("expected .configInvalid, got \(String(describing: error))")
            return
        }
        #expect(issues.map(\.message) == ["unknown key 'workers.colour'"])
        #expect(try root.read("etc/applianced/applianced.toml") == text)
        // Setting the value already shown (the default) is no success either.
        #expect(throws: ConfigWriteError.self) { try store.update([("workers.cpu_threads", 2)]) }
    }

    @Test func writeThatFixesTheProblemItTouchesIsInForce() throws {
        let root = try TemporaryRoot()
        try root.write("etc/applianced/applianced.toml", "[workers]\ngpu_threads = \"four\"\n")
        let store = ConfigStore(paths: root.paths, environment: [:])
        #expect(!store.status.ok)
        try store.update([("workers.gpu_threads", 4)])
        #expect(store.status.ok)
        #expect(store.snapshot.integer("workers.gpu_threads") == 4)
    }

    @Test func problemInADropInBlocksWritesToTheMainFile() throws {
        let root = try TemporaryRoot()
        _ = ConfigStore(paths: root.paths, environment: [:], writeDefaults: true)
        try root.write("etc/applianced/conf.d/10-site.toml", "[workers]\ngpu_threads = 99\n")
        let store = ConfigStore(paths: root.paths, environment: [:])
        let before = try root.read("etc/applianced/applianced.toml")
        #expect(throws: ConfigWriteError.self) { try store.update([("thumbnails.quality", 7)]) }
        #expect(try root.read("etc/applianced/applianced.toml") == before)
        #expect(store.displayName(of: root.paths.dropInFile("10-site.toml")) == "conf.d/10-site.toml")
        #expect(store.display(store.status.issues[0]) == "conf.d/10-site.toml:2:1: 'workers.gpu_threads' must be an integer in 0...32, not 99")
    }

    // MARK: Non-regular files

    @Test func fifoInConfDIsAnErrorNotAHang() async throws {
        let root = try TemporaryRoot()
        let store = ConfigStore(paths: root.paths, environment: [:], writeDefaults: true)
        try store.startWatching()
        defer { store.stopWatching() }
        let fifo = root.paths.dropInFile("20-pipe.toml")
        #expect(mkfifo(fifo, 0o644) == 0)
        // The watcher reloads on its own thread; it must get through the FIFO (poll: timing is not asserted).
        var seen = false
        for _ in 0..<250 where !seen {
            seen = store.status.issues.contains { $0.file == fifo && $0.message == "not a regular file (a FIFO); skipped" }
            if !seen { try await Task.sleep(nanoseconds: 20_000_000) }
        }
        #expect(seen, "\(store.status.issues)")
        // A settings write finishes: refused, the configuration being invalid while the FIFO is there.
        #expect(throws: ConfigWriteError.self) { try store.update([("workers.cpu_threads", 5)]) }
        // The watcher is still alive: removing the FIFO and editing a value is picked up.
        unlink(fifo)
        try root.write("etc/applianced/conf.d/30-site.toml", "[workers]\ncpu_threads = 6\n")
        var value = 0
        for _ in 0..<250 where value != 6 {
            value = store.snapshot.integer("workers.cpu_threads")
            if value != 6 { try await Task.sleep(nanoseconds: 20_000_000) }
        }
        #expect(value == 6)
        #expect(store.status.ok)
    }

    @Test func directoryNamedLikeADropInIsAnError() throws {
        let root = try TemporaryRoot()
        #expect(mkdir(root.paths.dropInFile("40-dir.toml"), 0o755) == 0)
        defer { rmdir(root.paths.dropInFile("40-dir.toml")) }
        let result = ConfigLoader(paths: root.paths, environment: [:]).load()
        #expect(result.issues.map(\.message) == ["not a regular file (a directory); skipped"])
    }

    // MARK: Warnings

    @Test func emptyMainFileLoadsWithAWarning() throws {
        let root = try TemporaryRoot()
        try root.write("etc/applianced/applianced.toml", "")
        let store = ConfigStore(paths: root.paths, environment: [:])
        #expect(store.status.ok)
        #expect(store.status.warnings.count == 1)
        #expect(store.status.warnings.first?.message.hasPrefix("the file is empty") == true)
        try root.write("etc/applianced/applianced.toml", "[workers]\ngpu_threads = 3\n")
        #expect(store.reload().warnings.isEmpty)
    }

    // MARK: Every syntax error, not only the first

    @Test func loaderReportsEverySyntaxErrorOfAFile() throws {
        let root = try TemporaryRoot()
        try root.write(
            "etc/applianced/applianced.toml",
            "[workers]\ngpu_threads = = 1\ncpu_threads = 2\n[server\nport = 1\n[thumbnails]\nquality = \"open\n")
        let store = ConfigStore(paths: root.paths, environment: [:])
        let file = root.paths.mainFile
        #expect(
            store.status.issues.map(\.description) == [
                "\(file):2:15: expected a value, found '='",
                "\(file):4:8: expected ']' after table name",
                "\(file):7:11: unterminated string (newline before the closing quote)",
            ])
    }

    // MARK: Disk full

    @Test(.enabled(if: geteuid() == 0, "mounting a tmpfs needs root"))
    func diskFullDuringAWriteKeepsTheOldFileWhole() throws {
        guard let mount = try SmallFilesystem(kilobytes: 64) else { return }
        defer { mount.unmount() }
        let paths = ConfigPaths(root: mount.path)
        let store = ConfigStore(paths: paths, environment: [:], writeDefaults: true)
        try store.update([("workers.gpu_threads", 3)])
        let before = try FileSystem.read(paths.mainFile)
        mount.fill()
        let error = #expect(throws: ConfigWriteError.self) {
            try store.update([("plex.name", .string(String(repeating: "n", count: 200)))])
        }
        guard case .io(let failure)? = error else {
            Issue.record("expected .io, got \(String(describing: error))")
            return
        }
        #expect(failure.code == ENOSPC)
        #expect(try FileSystem.read(paths.mainFile) == before)
        #expect(FileSystem.list(paths.directory).filter { $0.hasPrefix(".applianced.toml.") }.isEmpty)
        #expect(store.snapshot.integer("workers.gpu_threads") == 3)
        #expect(store.snapshot.string("plex.name") == "")
        #expect(store.status.ok)
    }

    @Test(.enabled(if: geteuid() == 0 && access(CrashSafetyTests.binary, X_OK) == 0, "needs root (tmpfs) and .build/debug/applianced"))
    func diskFullDuringConfigSetKeepsTheOldFileWhole() async throws {
        guard let mount = try SmallFilesystem(kilobytes: 64) else { return }
        defer { mount.unmount() }
        let paths = ConfigPaths(root: mount.path)
        _ = ConfigStore(paths: paths, environment: [:], writeDefaults: true)
        let before = try FileSystem.read(paths.mainFile)
        mount.fill()
        let run = try await BinaryRun.offPool(["config", "set", "plex.name", String(repeating: "n", count: 200), "--root", mount.path])
        #expect(run.status == 1)
        #expect(run.stderr.contains("No space left on device"), "\(run.stderr)")
        #expect(try FileSystem.read(paths.mainFile) == before)
        #expect(FileSystem.list(paths.directory).filter { $0.hasPrefix(".applianced.toml.") }.isEmpty)
    }

    @Test(.enabled(if: access(CrashSafetyTests.binary, X_OK) == 0, "needs .build/debug/applianced (swift build)"))
    func checkConfigFinishesWithAFifoInConfD() async throws {
        let root = try TemporaryRoot()
        _ = ConfigStore(paths: root.paths, environment: [:], writeDefaults: true)
        let fifo = root.paths.dropInFile("20-pipe.toml")
        #expect(mkfifo(fifo, 0o644) == 0)
        defer { unlink(fifo) }
        let run = try await BinaryRun.offPool(["check-config", "--root", root.path])
        #expect(run.status == 1)
        #expect(run.stderr.contains("\(fifo):1:1: not a regular file (a FIFO); skipped"), "\(run.stderr)")
    }
}

/// A tmpfs of a few kilobytes mounted on a fresh directory (root only), to run out of space on purpose.
final class SmallFilesystem {
    let root: TemporaryRoot
    let path: String

    /// Nil (the test skips, with the reason printed) when the mount is refused, e.g. in an unprivileged container.
    init?(kilobytes: Int) throws {
        root = try TemporaryRoot()
        path = root.path + "/mnt"
        try FileSystem.makeDirectories(path)
        let run = try BinaryRun.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(kilobytes)k", "tmpfs", path])
        guard run.status == 0 else {
            print("skipped: cannot mount a tmpfs: \(run.stderr)")
            return nil
        }
    }

    /// Writes a filler file until the filesystem is full.
    func fill() {
        let fd = open(path + "/filler", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        defer { close(fd) }
        let chunk = [UInt8](repeating: 0x41, count: 1024)
        while chunk.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) > 0 {}
        // The last partial block.
        while chunk.withUnsafeBytes({ write(fd, $0.baseAddress, 1) }) > 0 {}
    }

    /// Before the temp root goes away, so that its removal never walks into a mounted filesystem.
    func unmount() {
        _ = try? BinaryRun.run("/bin/umount", [path])
    }
}

/// A program run to the end with its stderr captured.
struct BinaryRun: Sendable {
    let status: Int32
    let stderr: String

    static func run(_ program: String, _ arguments: [String]) throws -> BinaryRun {
        var template = Array("/tmp/config-run-XXXXXX".utf8CString)
        let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard fd >= 0 else { throw SystemError(code: errno, call: "mkstemp") }
        close(fd)
        let errorPath = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        defer { unlink(errorPath) }
        var argv: [UnsafeMutablePointer<CChar>?] = ([program] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_TRUNC, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, program, &actions, nil, &argv, environ)
        guard rc == 0 else { throw SystemError(code: rc, call: "posix_spawn", subject: program) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exit = status & 0x7F == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        return BinaryRun(status: exit, stderr: (try? FileSystem.readText(errorPath)) ?? "")
    }

    /// `applianced ARGUMENTS` on a Dispatch thread: a child's run must not hold a cooperative thread.
    static func offPool(_ arguments: [String]) async throws -> BinaryRun {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try run(CrashSafetyTests.binary, arguments) })
            }
        }
    }
}
