import Core
import Glibc
import TestSupport
import Testing

/// The document `serve` publishes for its whole route table: every operation has its schemas and
/// documents every status it can answer, each error in the shared `Error` shape.
@Suite(.enabled(if: DaemonProcess.available, "needs .build/debug/applianced (swift build)"))
struct OpenAPIDocumentTests {
    @Test func everyRouteHasItsSchemas() async throws {
        let root = makeTempDirectory("openapi")
        // Upstreams at a loopback port nothing listens on (the document needs none of them).
        var upstreams = ["APPLIANCED_PLEX_URL": "http://127.0.0.1:9", "APPLIANCED_PLEXTV_BASE_URL": "http://127.0.0.1:9"]
        for name in ["sonarr", "radarr", "prowlarr", "overseerr", "tautulli", "stash", "tmdb"] {
            upstreams["APPLIANCED_INTEGRATIONS_\(name.uppercased())_URL"] = "http://127.0.0.1:9"
        }
        let daemon = try DaemonProcess(
            ["serve", "--root", root, "--listen", "127.0.0.1", "--port", "0"], environment: upstreams, logPath: root + "/serve.log")
        let port = try #require(await daemon.port())
        let secrets = try FileSystem.readText(root + "/etc/applianced/secrets.toml")
        let token = try #require(secrets.split(separator: "\"").dropFirst().first.map(String.init))
        let reply = try await RawHTTPClient.connect(port: port).request(
            "GET", "/api/openapi.json", headers: ["X-Auth-Token": token], close: true)
        daemon.signal(SIGTERM)
        #expect(await daemon.exitStatus() == 0)
        #expect(reply.status == 200)

        let document = try JSON.decode(reply.body)
        let shared = try #require(document["components"]?["responses"]?.objectValue)
        let paths = try #require(document["paths"]?.objectValue)
        #expect(paths.count > 40)
        let ids = paths.values.flatMap { ($0.objectValue ?? [:]).values.compactMap { $0["operationId"]?.stringValue } }
        #expect(Set(ids).count == ids.count, "operation ids are not unique")
        for (path, operations) in paths {
            for (method, operation) in try #require(operations.objectValue) {
                let name = "\(method.uppercased()) \(path)"
                let responses = try #require(operation["responses"]?.objectValue, "\(name): no responses")
                let successes = responses.filter { (Int($0.key) ?? 0) < 300 }
                #expect(successes.count == 1, "\(name): one success status")
                for (status, response) in successes where status != "101" && status != "204" {
                    let content = response["content"]?.objectValue ?? [:]
                    #expect(content.count == 1 && content.values.allSatisfy { $0["schema"] != nil }, "\(name) \(status): no schema")
                }
                if let body = operation["requestBody"] {
                    #expect(body["content"]?["application/json"]?["schema"] != nil, "\(name): request body without a schema")
                    #expect(responses["415"] != nil && responses["400"] != nil, "\(name): a JSON body can be refused")
                }
                for required in ["413", "500", "503"] {
                    #expect(responses[required] != nil, "\(name): \(required) undocumented")
                }
                if operation["x-access"] != "public" { #expect(responses["401"] != nil, "\(name): 401 undocumented") }
                if path.contains("{") { #expect(responses["404"] != nil, "\(name): 404 undocumented") }
                for (status, response) in responses where (Int(status) ?? 0) >= 400 {
                    if let reference = response["$ref"]?.stringValue {
                        let component = try #require(reference.split(separator: "/").last.map(String.init))
                        #expect(shared[component]?["content"]?["application/json"]?["schema"] == ["$ref": "#/components/schemas/Error"])
                    } else {
                        #expect(response["content"]?["application/json"]?["schema"] != nil, "\(name) \(status): no schema")
                    }
                }
            }
        }
    }
}
