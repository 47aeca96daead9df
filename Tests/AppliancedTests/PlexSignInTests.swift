import Core
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// 001's Plex sign-in through `applianced serve` against the fake plex.tv and PMS: the adapter over the
/// Plex clients and the config. The fake's one account owns the fake server, so it becomes the admin:
/// first with no server configured (it is the account of `plex.token`), then with `plex.url` set (it owns
/// the server whose `/identity` the URL answers).
struct PlexSignInTests {
    static var skipReason: String? {
        if !DaemonProcess.available { return "needs .build/debug/applianced (swift build)" }
        if !FixtureServer.isAvailable { return "needs python3 for the fake Plex" }
        return nil
    }

    static func call(_ port: UInt16, _ path: String, body: String, token: String? = nil) async throws -> (Int, JSON) {
        var headers = ["Content-Type": "application/json"]
        if let token { headers["X-Auth-Token"] = token }
        let reply = try await RawHTTPClient.connect(port: port).request("POST", path, headers: headers, body: Array(body.utf8), close: true)
        return (reply.status, reply.body.isEmpty ? .null : try JSON.decode(reply.body))
    }

    /// A PIN, verified until the fake approves it (on its second poll): the session body.
    static func signIn(_ port: UInt16) async throws -> (Int, JSON) {
        let (created, pin) = try await call(port, "/api/v1/auth/plex/pin", body: #"{"clientName":"applianced tests"}"#)
        #expect(created == 200)
        let id = try #require(pin["data"]?["id"]?.stringValue)
        let (waiting, pending) = try await call(port, "/api/v1/auth/plex/verify", body: #"{"pinId":"\#(id)"}"#)
        #expect(waiting == 400 && pending["code"] == "PIN_NOT_AUTHORIZED")
        return try await call(port, "/api/v1/auth/plex/verify", body: #"{"pinId":"\#(id)"}"#)
    }

    @Test(.enabled(if: skipReason == nil, "\(skipReason ?? "")"))
    func theServersOwnerSignsInAsTheAdmin() async throws {
        let root = makeTempDirectory("plex-sign-in")
        defer { _ = "rm -rf '\(root)'".withCString { system($0) } }
        let plex = try await FixtureServer.start(script: "fake_plex.py", arguments: [])
        for (key, value) in [("plextv.base_url", plex.baseURL), ("plex.token", "fake-plex-token")] {
            #expect(try await DaemonProcess.run(["config", "set", key, value, "--root", root], logPath: root + "/config.log") == 0, "\(key)")
        }
        let daemon = try DaemonProcess(["serve", "--root", root, "--listen", "127.0.0.1", "--port", "0"], logPath: root + "/serve.log")
        let port = try #require(await daemon.port())
        let token = try #require(daemon.log.split(separator: "\n").first { $0.contains("Token: ") }?.split(separator: " ").last.map(String.init))

        let (status, body) = try await Self.signIn(port)
        #expect(status == 200)
        let user = body["data"]?["user"]
        #expect(user?["role"] == "admin" && user?["username"] == "testuser" && user?["plex_username"] == "testuser")

        let (saved, _) = try await Self.call(port, "/api/settings", body: #"{"plex_url":"\#(plex.baseURL)"}"#, token: token)
        #expect(saved == 200)
        let (again, second) = try await Self.signIn(port)
        #expect(again == 200)
        #expect(second["data"]?["user"]?["id"] == user?["id"])
        #expect(!daemon.log.contains("fake-plex-token"))
        daemon.signal(SIGTERM)
        #expect(await daemon.exitStatus() == 0)
    }
}
