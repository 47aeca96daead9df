import Core
import Testing
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// `applianced serve` as a user runs it: token file, log redaction, signals, bad arguments.
@Suite(.serialized, .enabled(if: DaemonProcess.available, "needs .build/debug/applianced (swift build)"))
struct ServeCommandTests {
    @Test func firstStartCreatesA0600TokenAndLogsItOnceOnly() async throws {
        let root = makeTempDirectory("serve")
        let first = try DaemonProcess(["serve", "--root", root, "--listen", "127.0.0.1", "--port", "0"], logPath: root + "/first.log")
        let port = try #require(await first.port())
        let secrets = root + "/etc/applianced/secrets.toml"
        var info = stat()
        #expect(stat(secrets, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        #expect(FileSystem.isDirectory(root + "/var/lib/applianced"))
        let text = try FileSystem.readText(secrets)
        let token = try #require(text.split(separator: "\"").dropFirst().first.map(String.init))
        #expect(token.count == 43)

        // Requests carrying the token, in the path and headers, must not put it in a log line.
        for path in ["/api/openapi.json", "/api/health?token=\(token)", "/nope/\(token)"] {
            let client = try await RawHTTPClient.connect(port: port)
            _ = try await client.request("GET", path, headers: ["X-Auth-Token": token, "X-Request-ID": token], close: true)
        }
        first.signal(SIGTERM)
        #expect(await first.exitStatus() == 0)
        let lines = first.log.split(separator: "\n")
        let tokenLines = lines.filter { $0.contains(token) }
        #expect(tokenLines == ["<6>Token: \(token)"])
        #expect(lines.firstIndex { $0.contains(token) } == lines.startIndex)
        #expect(first.log.contains("GET /api/openapi.json 200"))

        let second = try DaemonProcess(["serve", "--root", root, "--listen", "127.0.0.1", "--port", "0"], logPath: root + "/second.log")
        _ = await second.port()
        second.signal(SIGINT)
        #expect(await second.exitStatus() == 0)
        #expect(!second.log.contains(token))
        #expect(!second.log.contains("Token:"))
        #expect(try FileSystem.readText(secrets) == text)
    }

    @Test func webAuthTokenOverridesTheStoredOne() async throws {
        let root = makeTempDirectory("env")
        let daemon = try DaemonProcess(
            ["serve", "--root", root, "--listen", "127.0.0.1", "--port", "0"],
            environment: ["WEB_AUTH_TOKEN": "from-the-environment"], logPath: root + "/serve.log")
        let port = try #require(await daemon.port())
        let stored = try #require(try FileSystem.readText(root + "/etc/applianced/secrets.toml").split(separator: "\"").dropFirst().first)
        let withEnv = try await RawHTTPClient.connect(port: port).request(
            "GET", "/api/openapi.json", headers: ["X-Auth-Token": "from-the-environment"], close: true)
        let withStored = try await RawHTTPClient.connect(port: port).request(
            "GET", "/api/openapi.json", headers: ["X-Auth-Token": String(stored)], close: true)
        daemon.signal(SIGTERM)
        #expect(await daemon.exitStatus() == 0)
        #expect(withEnv.status == 200)
        #expect(withStored.status == 401)
    }

    @Test func sigtermLetsASlowRequestFinish() async throws {
        let root = makeTempDirectory("drain")
        let daemon = try DaemonProcess(
            ["serve", "--root", root, "--listen", "127.0.0.1", "--port", "0"],
            environment: ["APPLIANCED_TEST_ROUTES": "1"], logPath: root + "/serve.log")
        let port = try #require(await daemon.port())
        let client = try await RawHTTPClient.connect(port: port)
        try await client.send("GET /api/test/slow?ms=1500 HTTP/1.1\r\nHost: x\r\n\r\n")
        try await Task.sleep(for: .milliseconds(300))
        daemon.signal(SIGTERM)
        let reply = try await client.readReply()
        #expect(reply.status == 200)
        #expect(reply.text == #"{"slept_ms":1500}"#)
        #expect(await daemon.exitStatus() == 0)
        #expect(daemon.log.contains("Stopping (signal 15)"))
    }

    @Test(arguments: [
        ["serve", "--port", "70000"], ["serve", "--port", "x"], ["serve", "--listen", "example.com"],
        ["serve", "--bogus"], ["serve", "--root"],
    ])
    func badArgumentsExitWithTwoAndOneLine(arguments: [String]) async throws {
        let root = makeTempDirectory("args")
        #expect(try await DaemonProcess.run(arguments, logPath: root + "/err.log") == 2)
        let log = try FileSystem.readText(root + "/err.log")
        #expect(log.split(separator: "\n").count == 1)
        #expect(log.hasPrefix("applianced serve: "))
    }
}

/// The token reader and writer keep what else `secrets.toml` holds.
@Suite(.enabled(if: DaemonProcess.available, "needs .build/debug/applianced (swift build)"))
struct SecretsFileTests {
    @Test func anExistingSecretsFileKeepsItsOtherKeys() async throws {
        let root = makeTempDirectory("secrets")
        try FileSystem.makeDirectories(root + "/etc/applianced")
        let original = "# mine\n[plex]\ntoken = \"plex-secret\"\n"
        try FileSystem.writeAtomically(root + "/etc/applianced/secrets.toml", Array(original.utf8), mode: 0o600)
        let daemon = try DaemonProcess(["serve", "--root", root, "--listen", "127.0.0.1", "--port", "0"], logPath: root + "/serve.log")
        let port = try #require(await daemon.port())
        let text = try FileSystem.readText(root + "/etc/applianced/secrets.toml")
        #expect(text.hasPrefix(original))
        let token = try #require(text.components(after: "[auth]\ntoken = \""))
        let reply = try await RawHTTPClient.connect(port: port).request("GET", "/api/openapi.json", headers: ["X-Auth-Token": token], close: true)
        let plexRefused = try await RawHTTPClient.connect(port: port).request(
            "GET", "/api/openapi.json", headers: ["X-Auth-Token": "plex-secret"], close: true)
        daemon.signal(SIGTERM)
        #expect(await daemon.exitStatus() == 0)
        #expect(reply.status == 200)
        #expect(plexRefused.status == 401)
    }
}

extension SecretsFileTests {
    /// A FIFO in place of `secrets.toml` is an error at start, not a daemon that hangs before it listens.
    @Test func aFifoInPlaceOfTheSecretsFileStopsTheStart() async throws {
        let root = makeTempDirectory("secrets-fifo")
        try FileSystem.makeDirectories(root + "/etc/applianced")
        #expect(mkfifo(root + "/etc/applianced/secrets.toml", 0o600) == 0)
        defer { unlink(root + "/etc/applianced/secrets.toml") }
        let status = try await DaemonProcess.run(["serve", "--root", root, "--listen", "127.0.0.1", "--port", "0"], logPath: root + "/serve.log")
        #expect(status != nil && status != 0)
        #expect((try? FileSystem.readText(root + "/serve.log"))?.contains("not a regular file (a FIFO)") == true)
    }
}

extension String {
    /// The text between `marker` and the next `"`.
    func components(after marker: String) -> String? {
        let parts = split(separator: marker, maxSplits: 1)
        guard parts.count == 2 else { return nil }
        return parts[1].split(separator: "\"").first.map(String.init)
    }
}
