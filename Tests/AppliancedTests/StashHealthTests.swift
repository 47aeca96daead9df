import Core
import Glibc
import TestSupport
import Testing

/// 004's `stash` readiness check and feature on the running daemon, with Stash enabled at a loopback
/// port nothing listens on: ready until a request to Stash fails, then "not ready" with the reason,
/// never making `/health/ready` a 503 (the check is not critical); and the `openai` ones, off without a key.
@Suite(.enabled(if: DaemonProcess.available, "needs .build/debug/applianced (swift build)"))
struct StashHealthTests {
    @Test func theStashCheckReportsTheLastRequest() async throws {
        let root = makeTempDirectory("stash-health")
        defer { _ = "rm -rf '\(root)'".withCString { system($0) } }
        let daemon = try DaemonProcess(
            ["serve", "--root", root, "--listen", "127.0.0.1", "--port", "0"],
            environment: [
                "APPLIANCED_PLEXTV_BASE_URL": "http://127.0.0.1:9", "APPLIANCED_INTEGRATIONS_STASH_ENABLED": "true",
                "APPLIANCED_INTEGRATIONS_STASH_URL": "http://127.0.0.1:9",
            ], logPath: root + "/serve.log")
        defer { daemon.signal(SIGTERM) }
        let port = try #require(await daemon.port())
        let secrets = try FileSystem.readText(root + "/etc/applianced/secrets.toml")
        let token = try #require(secrets.split(separator: "\"").dropFirst().first.map(String.init))
        func call(_ method: String, _ path: String) async throws -> (status: Int, body: JSON) {
            let reply = try await RawHTTPClient.request(port: port, method, path, headers: ["X-Auth-Token": token])
            return (reply.status, try JSON.parseStrict(reply.body))
        }
        let version = try await call("GET", "/api/v1/health/version")
        #expect(version.body["features"]?["stash"] == true)
        // No OpenAI key: the feature is off and its check "not configured", which never makes ready a 503.
        #expect(version.body["features"]?["openai"] == false)
        let before = try await call("GET", "/api/v1/health/ready")
        #expect(before.body["checks"]?["stash"]?["status"] == "ready")
        #expect(before.body["checks"]?["openai"]?["status"] == "not configured")
        #expect(try await call("GET", "/api/v1/scenes").body["total"] == 0)
        #expect(try await call("POST", "/api/v1/sync/scene/1").status == 502)
        let after = try await call("GET", "/api/v1/health/ready")
        #expect(after.status == 200)
        #expect(after.body["checks"]?["stash"]?["status"] == "not ready")
        #expect(after.body["checks"]?["stash"]?["error"] == "Stash failed: Stash is unreachable")
    }
}
