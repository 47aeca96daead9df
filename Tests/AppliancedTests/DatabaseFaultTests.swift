import Core
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `applianced serve` with its state database in trouble. Locked by another process: health and
/// routes that do not touch the database answer while the lock is held, a database write answers 503
/// `DATABASE_BUSY` (with `Retry-After`) once SQLite's busy timeout gives up, and everything works after
/// the release. On a full disk: a write answers 507 `STORAGE_FULL`, the daemon keeps serving, the file
/// stays sound, and writes work again once there is room.
@Suite(.serialized, .enabled(if: DaemonProcess.available, "needs .build/debug/applianced (swift build)"))
struct DatabaseFaultTests {
    /// Takes `BEGIN EXCLUSIVE` on the database, says "locked", and holds the lock until the release
    /// file appears (at most 120 s), then says "released".
    static let locker = """
        import os, sqlite3, sys, time
        db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
        db.execute("BEGIN EXCLUSIVE")
        print("locked", flush=True)
        deadline = time.time() + 120
        while not os.path.exists(sys.argv[2]) and time.time() < deadline:
            time.sleep(0.05)
        db.execute("COMMIT")
        print("released", flush=True)
        """

    @Test(.enabled(if: ChildProcess.which("python3") != nil, "needs python3"))
    func aLockedDatabaseGives503WhileHealthAndOtherRoutesAnswer() async throws {
        let root = makeTempDirectory("dblock")
        defer { _ = "rm -rf '\(root)'".withCString { system($0) } }
        let daemon = try DaemonProcess(["serve", "--root", root, "--listen", "127.0.0.1", "--port", "0"], logPath: root + "/serve.log")
        let port = try #require(await daemon.port())
        let secrets = try FileSystem.readText(root + "/etc/applianced/secrets.toml")
        let token = try #require(secrets.split(separator: "\"").dropFirst().first.map(String.init))
        let auth = ["X-Auth-Token": token, "Content-Type": "application/json"]
        let create = Array(#"{"library_id": "1"}"#.utf8)

        let release = root + "/release"
        let locker = try ChildProcess(["python3", "-c", Self.locker, root + "/var/lib/applianced/state.db", release])
        #expect(try await offPool { locker.readLine(timeout: 60) } == "locked")

        // The write waits for the lock on the database's own thread; meanwhile the other routes answer.
        let writer = try await RawHTTPClient.connect(port: port, timeoutSeconds: 120)
        try await writer.send(
            "POST /api/jobs HTTP/1.1\r\nHost: x\r\nX-Auth-Token: \(token)\r\nContent-Type: application/json\r\nContent-Length: \(create.count)\r\n\r\n"
        )
        try await writer.send(create)
        let health = try await RawHTTPClient.connect(port: port).request("GET", "/api/health", close: true)
        let settings = try await RawHTTPClient.connect(port: port).request("GET", "/api/settings", headers: auth, close: true)
        let openAPI = try await RawHTTPClient.connect(port: port).request("GET", "/api/openapi.json", headers: auth, close: true)
        #expect(health.status == 200)
        #expect(settings.status == 200)
        #expect(openAPI.status == 200)

        let busy = try await writer.readReply()
        #expect(busy.status == 503)
        #expect(busy.header("Retry-After") == "5")
        let body = try JSON.decode(busy.body)
        #expect(body["success"] == false)
        #expect(body["code"]?.stringValue == "DATABASE_BUSY")
        #expect(body["request_id"]?.stringValue?.isEmpty == false)
        #expect(!busy.text.contains(root), "no server path in the answer")
        // All of the above happened while the lock was held: the locker has not let go yet.
        #expect(locker.readLine(timeout: 0) == nil)

        try FileSystem.writeAtomically(release, Array("go".utf8))
        #expect(try await offPool { locker.readLine(timeout: 60) } == "released")
        let created = try await RawHTTPClient.connect(port: port).request("POST", "/api/jobs", headers: auth, body: create, close: true)
        #expect(created.status == 201)
        let listed = try await RawHTTPClient.connect(port: port).request("GET", "/api/jobs", headers: auth, close: true)
        #expect(listed.status == 200)
        #expect(try JSON.decode(listed.body)["jobs"]?.arrayValue?.count == 1)
        let after = try await RawHTTPClient.connect(port: port).request("GET", "/api/health", close: true)
        #expect(after.status == 200)

        daemon.signal(SIGTERM)
        #expect(await daemon.exitStatus() == 0)
    }

    @Test(
        .enabled(if: SmallFilesystem.isMountable, "needs root to mount a small tmpfs"),
        .enabled(if: ChildProcess.which("python3") != nil, "needs python3"))
    func aFullDiskGives507AndTheDaemonKeepsServing() async throws {
        let root = makeTempDirectory("dbfull")
        defer { _ = "rm -rf '\(root)'".withCString { system($0) } }
        try FileSystem.makeDirectories(root + "/var/lib/applianced")
        let disk = try SmallFilesystem(at: root + "/var/lib/applianced", bytes: 4 << 20)
        defer { disk.unmount() }
        let daemon = try DaemonProcess(["serve", "--root", root, "--listen", "127.0.0.1", "--port", "0"], logPath: root + "/serve.log")
        let port = try #require(await daemon.port())
        let secrets = try FileSystem.readText(root + "/etc/applianced/secrets.toml")
        let token = try #require(secrets.split(separator: "\"").dropFirst().first.map(String.init))
        let auth = ["X-Auth-Token": token, "Content-Type": "application/json"]
        let create = Array(#"{"library_id": "1"}"#.utf8)
        let first = try await RawHTTPClient.connect(port: port).request("POST", "/api/jobs", headers: auth, body: create, close: true)
        #expect(first.status == 201)

        disk.fill()
        let full = try await RawHTTPClient.connect(port: port).request("POST", "/api/jobs", headers: auth, body: create, close: true)
        #expect(full.status == 507)
        #expect(try JSON.decode(full.body)["code"]?.stringValue == "STORAGE_FULL")
        #expect(!full.text.contains(root), "no server path in the answer")
        let health = try await RawHTTPClient.connect(port: port).request("GET", "/api/health", close: true)
        #expect(health.status == 200)
        let listed = try await RawHTTPClient.connect(port: port).request("GET", "/api/jobs", headers: auth, close: true)
        #expect(listed.status == 200)
        #expect(try JSON.decode(listed.body)["jobs"]?.arrayValue?.count == 1)

        disk.free()
        let after = try await RawHTTPClient.connect(port: port).request("POST", "/api/jobs", headers: auth, body: create, close: true)
        #expect(after.status == 201)
        daemon.signal(SIGTERM)
        #expect(await daemon.exitStatus() == 0)

        let check = try ChildProcess([
            "python3", "-c", "import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute('PRAGMA integrity_check').fetchone()[0])",
            root + "/var/lib/applianced/state.db",
        ])
        #expect(try await offPool { check.readLine(timeout: 60) } == "ok")
    }
}
