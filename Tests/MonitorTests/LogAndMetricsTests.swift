import Core
import FoundationEssentials
import Testing

@testable import Monitor

struct LogAndMetricsTests {
    @Test func logRingKeepsTheNewestAndFilters() throws {
        let log = Log()
        log.minimumLevel = .error
        let ring = LogRing(capacity: 10)
        log.addSink(ring)
        for index in 0..<25 {
            let level: LogLevel
            if index % 5 == 0 { level = .error } else if index % 2 == 0 { level = .warning } else { level = .info }
            log.log(level, "line \(index)")
        }
        log.debug("debug")
        let all = ring.query(limit: 100)
        #expect(all.count == 10)
        #expect(all.first?.message == "line 24")
        #expect(all.last?.message == "line 15")
        #expect(ring.query(minimum: .error, limit: 100).map(\.message) == ["line 20", "line 15"])
        #expect(ring.query(minimum: .warning, limit: 3).map(\.message) == ["line 24", "line 22", "line 20"])
        let cutoff = try #require(all.first?.timestamp)
        #expect(ring.query(since: cutoff, limit: 100).first?.message == "line 24")
        #expect(ring.query(since: cutoff.addingTimeInterval(1), limit: 100).isEmpty)
    }

    @Test func logRingAsASinkOfTheLogger() {
        let log = Log()
        let ring = LogRing(capacity: 50)
        log.addSink(ring)
        log.redact("hunter2-secret")
        log.warning("Failed to reach 'sonarr': token hunter2-secret refused")
        #expect(ring.query(limit: 1).first?.message == "Failed to reach 'sonarr': token **** refused")
        #expect(LogRing.levelName(.warning) == "warn")
        #expect(LogRing.level(named: "warn") == .warning)
        #expect(LogRing.level(named: "loud") == nil)
    }

    @Test func prometheusTextFormat() {
        let registry = MetricsRegistry()
        registry.recordRequest(status: 200, seconds: 0.003)
        registry.recordRequest(status: 204, seconds: 0.2)
        registry.recordRequest(status: 503, seconds: 12)
        registry.recordConfigReload(success: false)
        registry.recordJob(kind: "thumbnail", outcome: "completed")
        let text = PrometheusText.render(registry.families())
        #expect(text.contains("# TYPE applianced_http_requests_total counter\n"))
        #expect(text.contains("applianced_http_requests_total{class=\"2xx\"} 2\n"))
        #expect(text.contains("applianced_http_requests_total{class=\"5xx\"} 1\n"))
        #expect(text.contains("# TYPE applianced_http_request_duration_seconds histogram\n"))
        #expect(text.contains("applianced_http_request_duration_seconds_bucket{class=\"2xx\",le=\"0.005\"} 1\n"))
        #expect(text.contains("applianced_http_request_duration_seconds_bucket{class=\"2xx\",le=\"0.25\"} 2\n"))
        #expect(text.contains("applianced_http_request_duration_seconds_bucket{class=\"5xx\",le=\"10\"} 0\n"))
        #expect(text.contains("applianced_http_request_duration_seconds_bucket{class=\"5xx\",le=\"+Inf\"} 1\n"))
        #expect(text.contains("applianced_http_request_duration_seconds_count{class=\"2xx\"} 2\n"))
        #expect(text.contains("applianced_config_last_reload_successful 0\n"))
        #expect(text.contains("applianced_jobs_total{kind=\"thumbnail\",outcome=\"completed\"} 1\n"))
        let summary = registry.requestSummary()
        #expect(summary.count == 3)
        #expect(summary.serverErrors == 1)
        #expect(summary.p95Seconds == .infinity)
    }

    @Test(arguments: [
        (1.0, "1"), (0.25, "0.25"), (-3.0, "-3"), (Double.nan, "NaN"), (Double.infinity, "+Inf"), (1e20, "1e+20"),
    ])
    func prometheusNumbers(value: Double, text: String) {
        #expect(PrometheusText.format(value) == text)
    }

    @Test func labelsAreEscapedAndSeriesBounded() {
        let family = MetricFamily(
            name: "x", help: "line\nbreak", kind: .gauge,
            samples: [MetricSample(labels: [("mountpoint", "/a \"b\"\\c\n")], value: 1)])
        #expect(PrometheusText.render([family]) == "# HELP x line\\nbreak\n# TYPE x gauge\nx{mountpoint=\"/a \\\"b\\\"\\\\c\\n\"} 1\n")
        let registry = MetricsRegistry()
        for index in 0..<(MetricsRegistry.maxSeries + 50) {
            registry.increment("many", help: "h", labels: [("i", String(index))])
        }
        #expect(registry.families().first?.samples.count == MetricsRegistry.maxSeries)
    }

    @Test func snapshotExpositionNamesEveryFigure() {
        let text = PrometheusText.render(
            SnapshotExposition.families(
                AlertTests.snapshot(cpu: 12.5, memoryUsed: 40, diskUsage: 30, temperature: 48)))
        for name in [
            "applianced_cpu_usage_percent 12.5", "applianced_cpu_core_usage_percent{core=\"1\"} 12.5",
            "applianced_memory_used_bytes 40", "applianced_filesystem_used_bytes{mountpoint=\"/srv/media\"",
            "applianced_temperature_celsius{sensor=\"thermal_zone0\",label=\"x86_pkg_temp\"} 48",
            "applianced_alerts_active{level=\"error\"} 0",
        ] {
            #expect(text.contains(name), "\(name)")
        }
    }

    @Test(arguments: [
        ("2025-02-15T22:45:00Z", 1_739_659_500.0), ("2025-02-15T22:45:00.250Z", 1_739_659_500.25),
        ("2025-02-15T23:45:00+01:00", 1_739_659_500), ("2025-02-15T21:15:00-0130", 1_739_659_500),
        ("2025-02-15", 1_739_577_600), ("1739659500", 1_739_659_500), ("2025-02-15 22:45", 1_739_659_500),
    ])
    func timestamps(text: String, seconds: Double) throws {
        let date = try #require(Timestamp.parse(text))
        #expect(date.timeIntervalSince1970 == seconds)
    }

    @Test(arguments: [
        "", "yesterday", "2025-13-01", "2025-02-15T25:00:00Z", "2025-02-15T22:45:00Zjunk", "1969-12-31",
        "2025-02-15T22:45:00+2", "-5",
    ])
    func badTimestamps(text: String) {
        #expect(Timestamp.parse(text) == nil)
    }

    @Test func timestampFormat() {
        #expect(Timestamp.format(Date(timeIntervalSince1970: 1_739_659_500.9)) == "2025-02-15T22:45:00Z")
        #expect(Timestamp.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
    }
}
