import Core
import FoundationEssentials
import Monitor
import Testing

@testable import HTTP
@testable import Routes

struct HealthRoutesTests {
    @Test func healthUnionOf001And004() async throws {
        let fixture = try await MonitoringFixture()
        for path in ["/api/v1/health", "/api/v1/health/"] {
            let (status, body, _) = try await fixture.call("GET", path)
            #expect(status == 200)
            #expect(body["success"] == true)
            #expect(body["status"] == "healthy")
            #expect(body["data"]?["status"] == "healthy")
            #expect(body["data"]?["services"]?["database"] == "online")
            #expect(body["data"]?["services"]?["monitor"] == "online")
            #expect(body["data"]?["timestamp"]?.stringValue.flatMap(Timestamp.parse) != nil)
            #expect(fixture.access("GET", path) == .public)
        }
    }

    @Test func readyIs503WhenACriticalPartIsNotReady() async throws {
        let healthy = try await MonitoringFixture(extraChecks: [
            ReadinessCheck(name: "plex", critical: false, configured: false) { (false, "never") }
        ])
        let (ok, body, _) = try await healthy.call("GET", "/api/v1/health/ready")
        #expect(ok == 200)
        #expect(body["status"] == "ready")
        #expect(body["checks"]?["database"] == ["status": "ready", "error": nil])
        #expect(body["checks"]?["plex"]?["status"] == "not configured")

        let broken = try await MonitoringFixture(extraChecks: [
            ReadinessCheck(name: "config", critical: true) { (false, "applianced.toml:3:1: expected a key") }
        ])
        let (code, failing, _) = try await broken.call("GET", "/api/v1/health/ready")
        #expect(code == 503)
        #expect(failing["status"] == "not ready")
        #expect(failing["checks"]?["config"]?["error"] == "applianced.toml:3:1: expected a key")
        let (_, health, _) = try await broken.call("GET", "/api/v1/health")
        #expect(health["status"] == "unhealthy")
        #expect(health["data"]?["services"]?["config"] == "offline")
        let (_, status, _) = try await broken.call("GET", "/api/v1/status")
        #expect(status["status"] == "degraded")
    }

    @Test func versionPingAndMetrics() async throws {
        let fixture = try await MonitoringFixture()
        let (_, version, _) = try await fixture.call("GET", "/api/v1/health/version")
        #expect(version["name"] == "applianced")
        #expect(version["version"] == .string(ApplianceVersion.current))
        #expect(version["environment"] == "production")
        #expect(version["debug"]?.boolValue != nil)
        #expect(version["features"] == ["authentication": true, "vaapi": false])
        let (_, ping, _) = try await fixture.call("GET", "/api/v1/health/ping")
        #expect((ping["timestamp"]?.doubleValue ?? 0) > 1_700_000_000)
        let (status, metrics, _) = try await fixture.call("GET", "/api/v1/health/metrics")
        #expect(status == 200)
        #expect((metrics["data"]?["process"]?["memory"]?["rss"]?.intValue ?? 0) > 0)
        #expect((metrics["data"]?["process"]?["threads"]?.intValue ?? 0) >= 2)
        #expect(metrics["data"]?["system"]?["load"]?.arrayValue?.count == 3)
        #expect(fixture.access("GET", "/api/v1/health/metrics") == .permission("system:read"))
    }

    @Test func dashboard() async throws {
        let fixture = try await MonitoringFixture()
        fixture.alerts.raise(.serviceUnhealthy(name: "sonarr", reason: "connection refused"))
        fixture.metrics.recordJob(kind: "thumbnail", outcome: "failed")
        let (_, stats, _) = try await fixture.call("GET", "/api/v1/dashboard/stats")
        #expect(stats["success"] == true)
        #expect(stats["data"]?["alerts"]?["active"] == 1)
        #expect(stats["data"]?["jobs"]?["failed"] == 1)
        #expect(stats["data"]?["system"]?["cpu"]?.doubleValue != nil)
        let (_, status, _) = try await fixture.call("GET", "/api/v1/dashboard/status")
        #expect(status["data"]?["services"]?.arrayValue?.contains { $0["name"] == "database" && $0["status"] == "online" } == true)
        let (_, notifications, _) = try await fixture.call("GET", "/api/v1/dashboard/notifications")
        #expect(notifications["data"]?["total"] == 1)
        #expect(notifications["data"]?["notifications"]?.arrayValue?.first?["source"] == "services")
    }

    @Test func performance() async throws {
        let fixture = try await MonitoringFixture()
        try await Task.sleep(for: .milliseconds(120))
        let (status, metrics, _) = try await fixture.call(
            "GET", "/api/performance/metrics",
            query: ["timeWindow": "5", "detailed": "true"])
        #expect(status == 200)
        #expect(metrics["data"]?["timeWindow"] == 5)
        #expect((metrics["data"]?["window"]?["cpu"]?["samples"]?.intValue ?? 0) >= 1)
        #expect(metrics["data"]?["detail"]?["cores"]?.arrayValue?.isEmpty == false)
        for query in [["timeWindow": "0"], ["timeWindow": "x"], ["detailed": "maybe"]] {
            #expect(try await fixture.call("GET", "/api/performance/metrics", query: query).0 == 400, "\(query)")
        }
        let (_, health, _) = try await fixture.call("GET", "/api/performance/health")
        #expect(health["data"]?["components"]?["cpu"]?["status"] != nil)
        let (_, database, _) = try await fixture.call("GET", "/api/performance/database")
        #expect(database["data"]?["journalMode"] == "wal")
        #expect((database["data"]?["pageCount"]?.intValue ?? 0) > 0)
        #expect(database["data"]?["tables"]?["metrics_minute"] != nil)
        let (_, advice, _) = try await fixture.call("GET", "/api/performance/recommendations")
        #expect(advice["data"]?["recommendations"]?.arrayValue != nil)
        let (optimized, result, _) = try await fixture.call("POST", "/api/performance/optimize", body: #"{"clearCache":true}"#)
        #expect(optimized == 200)
        #expect(result["data"]?["actions"]?.arrayValue?.contains("shrink_memory") == true)
        #expect(try await fixture.call("POST", "/api/performance/optimize", body: #"{"clearCache":"yes"}"#).0 == 400)
        #expect(try await fixture.call("POST", "/api/performance/optimize", body: #"{"vacuum":true}"#).0 == 400)
        #expect(fixture.access("POST", "/api/performance/optimize") == .permission("system:write"))
    }

    @Test func recommendationsFollowTheFigures() {
        let snapshot = MetricsSnapshot(
            timestamp: .now, interval: 1, cpuUsage: 95, coreUsage: [95, 95],
            memory: MemoryInfo(totalBytes: 100, freeBytes: 5, availableBytes: 10),
            mounts: [
                MountUsage(
                    mountPoint: "/srv/media", device: "/dev/sdb1", fileSystem: "ext4", totalBytes: 100,
                    usedBytes: 90, freeBytes: 10)
            ],
            network: [], temperatures: [], load: LoadAverage(one: 4, five: 3, fifteen: 2, runnable: 3, tasks: 100),
            uptimeSeconds: 100, process: ProcessUsage(cpuPercent: 1, residentBytes: 1, threads: 1, uptimeSeconds: 1))
        let list = PerformanceAdvice.recommendations(
            snapshot: snapshot, thresholds: AlertThresholds(),
            database: ["walSizeBytes": .int(100 << 20)], requestP95: 1)
        let ids = list.compactMap { $0["id"]?.stringValue }
        #expect(ids == ["memory-pressure", "cpu-busy", "load-high", "disk-space:/srv/media", "slow-requests", "database-wal"])
        #expect(list.first?["priority"] == "high")
    }
}
