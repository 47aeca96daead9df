import Core
import FoundationEssentials
import Monitor
import Store
import Synchronization
import Testing

@testable import HTTP
@testable import Routes

#if canImport(Glibc)
    import Glibc
#endif

/// Saves settings in memory after the monitor's own checks, or fails as a config store would on a read-only file.
final class RecordingSettingsStore: AlertSettingsStore {
    let saved = Mutex<[AlertSettings]>([])
    let failing: Bool
    init(failing: Bool = false) { self.failing = failing }
    func save(_ settings: AlertSettings) throws {
        if let reason = settings.thresholds.validationError() { throw HTTPError.badRequest(reason) }
        if failing { throw SystemError(code: EROFS, call: "rename", subject: "applianced.toml") }
        saved.withLock { $0.append(settings) }
    }
}

/// A running sampler, a real state database in a temp dir, and the route tables built on them.
final class MonitoringFixture: @unchecked Sendable {
    let directory: String
    let sampler = Sampler(interval: 0.05)
    let alerts = AlertCenter()
    let logs = LogRing()
    let metrics = MetricsRegistry()
    let settingsStore: RecordingSettingsStore
    let services: MonitoringServices
    let router: Router

    init(failingSettings: Bool = false, extraChecks: [ReadinessCheck] = [], alertSettings: (any AlertSettingsStore)? = nil) async throws {
        var template = Array("/tmp/monitor-api-XXXXXX".utf8CString)
        _ = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        directory = String(cString: template.withUnsafeBufferPointer { $0.baseAddress! })
        let database = try Database.openState(root: directory)
        let statistics = SQLiteStatistics(database: database)
        let history = MetricsHistory(store: try SQLiteHistoryStore(database: database))
        settingsStore = RecordingSettingsStore(failing: failingSettings)
        services = MonitoringServices(
            snapshots: sampler, history: history, alerts: alerts, alertSettings: alertSettings ?? settingsStore, logs: logs,
            metrics: metrics, database: statistics,
            checks: [ReadinessCheck(name: "database", critical: true) { statistics.isReady() }] + extraChecks,
            features: { ["authentication": true, "vaapi": false] })
        sampler.subscribe { [history] snapshot in try? history.record(snapshot) }
        try sampler.start()
        for _ in 0..<200 where sampler.current == nil { try await Task.sleep(for: .milliseconds(10)) }
        router = Router(
            MonitoringRoutes(services: services, metricsAccess: .public).routes
                + DetailedHealthRoutes(services: services).routes + PerformanceRoutes(services: services).routes)
        // From here on a handler that calls SQLite on the cooperative pool traps instead of passing.
        database.poolPolicy = .refuse
    }

    deinit {
        sampler.stop()
        _ = "rm -rf '\(directory)'".withCString { system($0) }
    }

    func call(_ method: String, _ path: String, query: [String: String] = [:], body: String = "") async throws -> (Int, JSON, Response) {
        guard case .found(let route, let parameters) = router.match(method: method, path: path) else {
            Issue.record("no route for \(method) \(path)")
            return (404, .null, Response())
        }
        let request = Request(method: method, path: path, query: query, body: Array(body.utf8), parameters: parameters)
        do {
            let response: Response
            switch route.handler {
            case .immediate(let handler): response = try handler(request)
            case .async(let handler), .upgradeOrAsync(_, let handler): response = try await handler(request)
            case .webSocket: return (400, .null, Response())
            }
            let json = response.headers["Content-Type"] == "application/json" ? try JSON.decode(response.body) : .null
            return (response.status, json, response)
        } catch let error as HTTPError {
            return (error.status, ["code": .string(error.code), "message": .string(error.message), "detail": JSON(error.detail)], Response())
        }
    }

    func access(_ method: String, _ path: String) -> Access? {
        guard case .found(let route, _) = router.match(method: method, path: path) else { return nil }
        return route.access
    }
}

struct MonitoringRoutesTests {
    @Test func statusAndCurrentMetrics() async throws {
        let fixture = try await MonitoringFixture()
        let (status, body, _) = try await fixture.call("GET", "/api/v1/status")
        #expect(status == 200)
        #expect(body["status"] == "running")
        #expect(body["uptime"]?.stringValue?.hasSuffix("m") == true)
        for key in ["cpu_usage", "memory_usage", "disk_usage"] {
            let value = try #require(body[key]?.doubleValue, "\(key)")
            #expect(value >= 0 && value <= 100)
        }
        let (_, current, _) = try await fixture.call("GET", "/api/v1/metrics/current")
        #expect(current["timestamp"]?.stringValue.flatMap(Timestamp.parse) != nil)
        let metrics = try #require(current["metrics"])
        #expect(metrics["cpu"]?["status"] == "healthy" || metrics["cpu"]?["status"] == "warning" || metrics["cpu"]?["status"] == "critical")
        #expect(metrics["cpu"]?["cores"]?.arrayValue?.count == fixture.sampler.current?.coreUsage.count)
        #expect(metrics["cpu"]?["temperature"] != nil)
        let total = try #require(metrics["memory"]?["total"]?.doubleValue)
        let snapshotTotal = Double(fixture.sampler.current?.memory.totalBytes ?? 0) / 1_073_741_824
        #expect(abs(total - snapshotTotal) < 0.06)
        for key in ["usage", "status", "total", "used", "free"] {
            #expect(metrics["memory"]?[key] != nil, "memory.\(key)")
            #expect(metrics["disk"]?[key] != nil, "disk.\(key)")
        }
    }

    @Test func historyShapeAndBadParameters() async throws {
        let fixture = try await MonitoringFixture()
        try await Task.sleep(for: .milliseconds(150))
        let now = Date()
        let (status, body, _) = try await fixture.call(
            "GET", "/api/v1/metrics/history",
            query: [
                "start": Timestamp.format(now.addingTimeInterval(-60)), "end": Timestamp.format(now.addingTimeInterval(2)),
                "resolution": "1s",
            ])
        #expect(status == 200)
        #expect(body["resolution"] == "1s")
        let points = try #require(body["metrics"]?.arrayValue)
        #expect(!points.isEmpty)
        let first = try #require(points.first)
        for path in [
            ["cpu", "usage"], ["cpu", "temperature"], ["memory", "usage"], ["memory", "total"], ["memory", "used"],
            ["disk", "usage"], ["disk", "free"], ["disk", "read_speed"], ["disk", "write_speed"], ["network", "download_speed"],
            ["network", "upload_speed"],
        ] {
            #expect(first[path[0]]?[path[1]] != nil, "\(path)")
        }
        #expect(first["load"]?.arrayValue?.first?.doubleValue != nil)
        for query in [
            ["resolution": "5x"], ["start": "garbage"], ["start": "2025-02-15T23:00:00Z", "end": "2025-02-15T22:00:00Z"],
            ["start": "2024-01-01T00:00:00Z", "end": "2025-01-01T00:00:00Z", "resolution": "1s"],
        ] {
            let (code, error, _) = try await fixture.call("GET", "/api/v1/metrics/history", query: query)
            #expect(code == 400, "\(query)")
            #expect(error["code"] == "VALIDATION_ERROR")
        }
    }

    @Test func alertsListAndSettings() async throws {
        let fixture = try await MonitoringFixture()
        fixture.alerts.raise(.configReloadFailed(file: "applianced.toml", error: "applianced.toml:2:1: bad key"))
        fixture.alerts.raise(.diskAdded(device: "/dev/sdb", model: nil))
        fixture.alerts.raise(.jobFailed(id: "job-7", kind: "thumbnail", error: "corrupt file"))
        let (status, body, _) = try await fixture.call("GET", "/api/v1/alerts", query: ["level": "error", "limit": "1"])
        #expect(status == 200)
        #expect(body["total"] == 2)
        #expect(body["hasMore"] == true)
        let alert = try #require(body["alerts"]?.arrayValue?.first)
        #expect(alert["message"] == "Job job-7 (thumbnail) failed: corrupt file")
        #expect(alert["level"] == "error")
        #expect(alert["source"] == "jobs")
        #expect(alert["details"]?["job"] == "job-7")
        #expect(alert["id"]?.stringValue?.hasPrefix("alert-") == true)
        for query in [["level": "loud"], ["limit": "0"], ["limit": "x"], ["since": "tomorrow"]] {
            #expect(try await fixture.call("GET", "/api/v1/alerts", query: query).0 == 400, "\(query)")
        }
        #expect(alert["acknowledgedAt"] == .null)
        let id = try #require(alert["id"]?.stringValue)
        let (acknowledged, seen, _) = try await fixture.call("POST", "/api/v1/alerts/\(id)/acknowledge")
        #expect(acknowledged == 200)
        #expect(seen["alert"]?["acknowledgedBy"] == "appliance" && seen["alert"]?["acknowledgedAt"]?.stringValue != nil)
        #expect(seen["alert"]?["active"] == true)
        #expect(try await fixture.call("POST", "/api/v1/alerts/alert-999999/acknowledge").0 == 404)
        #expect(fixture.access("POST", "/api/v1/alerts/{id}/acknowledge") == .permission("system:write"))

        let update =
            #"{"thresholds":{"cpu":{"warning":70,"critical":85},"temperature":{"warning":75,"critical":95}},"notifications":{"email":false,"desktop":true,"minLevel":"error"}}"#
        let (saved, answer, _) = try await fixture.call("POST", "/api/v1/alerts/settings", body: update)
        #expect(saved == 200)
        #expect(answer["success"] == true)
        #expect(answer["thresholds"]?["cpu"]?["warning"] == 70)
        #expect(fixture.alerts.settings.thresholds.cpu == Threshold(warning: 70, critical: 85))
        #expect(fixture.alerts.settings.notifications.minLevel == .error)
        #expect(fixture.settingsStore.saved.withLock { $0.last?.thresholds.temperature.critical } == 95)
        #expect(fixture.access("POST", "/api/v1/alerts/settings") == .permission("settings:write"))
        for bad in [
            #"{"thresholds":{"cpu":{"warning":95,"critical":90}}}"#, #"{"thresholds":{"gpu":{"warning":1}}}"#,
            #"{"thresholds":{"cpu":{"warning":"high"}}}"#, #"{"colour":"red"}"#, "[1]", "{",
            #"{"notifications":{"minLevel":"loud"}}"#,
        ] {
            #expect(try await fixture.call("POST", "/api/v1/alerts/settings", body: bad).0 == 400, "\(bad)")
        }
        #expect(fixture.alerts.settings.thresholds.cpu.warning == 70)
    }

    @Test func settingsThatCannotBeSavedAreNotApplied() async throws {
        let fixture = try await MonitoringFixture(failingSettings: true)
        let (status, _, _) = try await fixture.call("POST", "/api/v1/alerts/settings", body: #"{"thresholds":{"cpu":{"warning":50}}}"#)
        #expect(status == 500)
        #expect(fixture.alerts.settings.thresholds.cpu.warning == 80)
    }

    @Test func logsAndPrometheus() async throws {
        let fixture = try await MonitoringFixture()
        let log = Log()
        log.addSink(fixture.logs)
        log.info("Service plex started successfully")
        log.error("Failed to connect to 'sonarr': connection refused")
        let (status, body, _) = try await fixture.call("GET", "/api/v1/logs", query: ["level": "warn"])
        #expect(status == 200)
        let logs = try #require(body["logs"]?.arrayValue)
        #expect(logs.count == 1)
        #expect(logs.first?["level"] == "error")
        #expect(logs.first?["timestamp"]?.stringValue.flatMap(Timestamp.parse) != nil)
        #expect(try await fixture.call("GET", "/api/v1/logs", query: ["level": "loud"]).0 == 400)

        fixture.metrics.recordRequest(status: 200, seconds: 0.01)
        let (code, _, response) = try await fixture.call("GET", "/metrics")
        #expect(code == 200)
        #expect(response.headers["Content-Type"] == PrometheusText.contentType)
        let text = String(decoding: response.body, as: UTF8.self)
        #expect(text.contains("# TYPE applianced_cpu_usage_percent gauge"))
        #expect(text.contains("applianced_http_requests_total{class=\"2xx\"} 1"))
        #expect(fixture.access("GET", "/metrics") == .public)
        let protected = Router(MonitoringRoutes(services: fixture.services).routes)
        guard case .found(let route, _) = protected.match(method: "GET", path: "/metrics") else {
            Issue.record("no /metrics")
            return
        }
        #expect(route.access == .permission("system:read"))
    }
}

/// `/api/v1/metrics/current` is encoded once per sample, and again when an alert level moves.
@Suite struct CurrentMetricsAnswerTests {
    @Test func theSameSampleIsTheSameBytesUntilALevelMoves() throws {
        let alerts = AlertCenter()
        let snapshot = try SystemReader().sample()
        let answer = CurrentMetricsAnswer()
        let first = answer.response(snapshot, alerts: alerts)
        #expect(answer.response(snapshot, alerts: alerts).body == first.body)
        let cpuStatus = { (response: Response) in try JSON.parseStrict(response.body)["metrics"]?["cpu"]?["status"] }
        #expect(try cpuStatus(first) == "healthy")
        alerts.check("cpu", value: 99, threshold: Threshold(warning: 10, critical: 20), hysteresis: 1) { "CPU at \($0)" }
        #expect(try cpuStatus(answer.response(snapshot, alerts: alerts)) == "critical")
        var later = snapshot
        later.timestamp = snapshot.timestamp.addingTimeInterval(1)
        later.cpuUsage = 42.5
        let next = try JSON.parseStrict(answer.response(later, alerts: alerts).body)
        #expect(next["metrics"]?["cpu"]?["usage"] == 42.5)
    }
}
