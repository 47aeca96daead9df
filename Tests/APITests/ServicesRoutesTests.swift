import Core
import FoundationEssentials
import Monitor
import Synchronization
import Testing

@testable import HTTP
@testable import Routes

struct ServicesRoutesTests {
    final class Counter: Sendable {
        let value = Mutex(0)
    }

    static func router() -> (Router, Counter) {
        let restarts = Counter()
        let registry = ServiceRegistry([
            InProcessService(
                name: "http", port: 8080, url: "http://applianced.local:8080",
                // Started 4 h 30 min 30 s before each check, so a slow test run cannot tick the minute over.
                check: { ServiceState(status: "running", health: "healthy", startedAt: Date().addingTimeInterval(-16_230)) },
                restart: { restarts.value.withLock { $0 += 1 } }),
            SystemdUnit(name: "plex", unit: "plexmediaserver.service", port: 32400, systemctl: "/bin/false"),
        ])
        return (Router(ServicesRoutes(registry: registry).routes), restarts)
    }

    static func call(_ router: Router, _ method: String, _ path: String) async throws -> (Int, JSON, String?) {
        guard case .found(let route, let parameters) = router.match(method: method, path: path),
            case .async(let handler) = route.handler
        else { return (404, .null, nil) }
        do {
            let response = try await handler(Request(method: method, path: path, parameters: parameters))
            return (response.status, try JSON.decode(response.body), nil)
        } catch let error as HTTPError {
            return (error.status, .string(error.code), error.detail)
        }
    }

    @Test func listHealthAndRestart() async throws {
        let (router, restarts) = Self.router()
        let (_, list, _) = try await Self.call(router, "GET", "/api/v1/services")
        let services = try #require(list["services"]?.arrayValue)
        #expect(services.first == ["name": "http", "status": "running", "port": 8080, "url": "http://applianced.local:8080"])
        #expect(services.last?["name"] == "plex")
        #expect(services.last?["port"] == 32400)

        let (_, health, _) = try await Self.call(router, "GET", "/api/v1/services/health")
        let http = try #require(health["services"]?.arrayValue?.first)
        #expect(http["health"] == "healthy")
        #expect(http["metrics"]?["uptime"] == "4h 30m")
        #expect(http["lastCheck"]?.stringValue.flatMap(Timestamp.parse) != nil)
        let (_, status, _) = try await Self.call(router, "GET", "/api/v1/services/status")
        #expect(status["success"] == true)
        #expect(status["data"]?["services"]?.arrayValue?.count == 2)

        let (code, restarted, _) = try await Self.call(router, "POST", "/api/v1/services/http/restart")
        #expect(code == 200)
        #expect(restarted["status"] == "running")
        #expect(restarts.value.withLock { $0 } == 1)
        let (failed, _, reason) = try await Self.call(router, "POST", "/api/v1/services/plex/restart")
        #expect(failed == 500)
        // systemctl's own words stay in the log: the answer points there.
        #expect(reason == "See the daemon's log")
        let (missing, errorCode, detail) = try await Self.call(router, "POST", "/api/v1/services/invalid/restart")
        #expect(missing == 404)
        #expect(errorCode == "SERVICE_NOT_FOUND")
        #expect(detail == "Available services: http, plex")
    }
}
