public import HTTP
import Core
import FoundationEssentials
import Monitor

/// 002's monitoring API: status, current and historical metrics, alerts and their settings, logs,
/// and the Prometheus exposition at `/metrics` (public or token-protected, decided at construction).
public struct MonitoringRoutes: RouteProvider {
    let services: MonitoringServices
    let metricsAccess: Access

    /// `metricsAccess` is `.public` when `[monitoring] metrics_public = true`, else `system:read`.
    public init(services: MonitoringServices, metricsAccess: Access = .permission("system:read")) {
        self.services = services
        self.metricsAccess = metricsAccess
    }

    /// Most points a history answer holds; a finer resolution over a longer range is a 400.
    static let maxHistoryPoints: Int64 = 5000
    static let maxLimit = 1000

    public var routes: [Route] {
        let services = services
        let currentAnswer = CurrentMetricsAnswer()
        return [
            .get(
                "/api/v1/status", .permission("system:read"),
                RouteDoc(
                    "System status and resource usage", tag: "monitoring",
                    response: ["status": "running", "uptime": "10d 4h 30m", "cpu_usage": 45.2, "memory_usage": 68.5, "disk_usage": 75.3],
                    responseSchema: .object([
                        "status": .oneOf(["running", "degraded"]), "uptime": .string, "cpu_usage": .number, "memory_usage": .number,
                        "disk_usage": .number,
                    ]), errors: [503])
            ) { _ in
                let snapshot = try services.snapshot()
                // Degraded when any check fails: a critical part, or Plex or an enabled app the probes find down.
                let healthy = services.overallStatus(await services.runChecks()) == "healthy"
                return .json([
                    "status": .string(healthy ? "running" : "degraded"),
                    "uptime": .string(Uptime.format(seconds: snapshot.uptimeSeconds)),
                    "cpu_usage": MonitoringJSON.round1(snapshot.cpuUsage),
                    "memory_usage": MonitoringJSON.round1(snapshot.memory.usage),
                    "disk_usage": MonitoringJSON.round1(snapshot.disk.usage),
                ])
            },
            // From memory on the server thread (`.immediate`): the last sample, encoded once per sample.
            Route(
                "GET", "/api/v1/metrics/current", access: .permission("system:read"),
                doc: RouteDoc(
                    "Current metrics snapshot", tag: "monitoring",
                    responseSchema: .object([
                        "timestamp": .string,
                        "metrics": .object(["cpu": .anyObject, "memory": .anyObject, "disk": .anyObject, "network": .anyObject]),
                    ]), errors: [503]),
                handler: .immediate { _ in currentAnswer.response(try services.snapshot(), alerts: services.alerts) }),
            .get(
                "/api/v1/metrics/history", .permission("system:read"),
                RouteDoc(
                    "Historical metrics", tag: "monitoring", query: ["start", "end", "resolution"],
                    parameterTypes: [
                        "resolution": Schema(["type": "string", "pattern": "^[1-9][0-9]{0,3}[smhd]$"]), "start": Self.time, "end": Self.time,
                    ],
                    responseSchema: .object(["metrics": .array(.anyObject), "resolution": .string, "start": .string, "end": .string]))
            ) { request in
                try await Self.history(request, services)
            },
            .get(
                "/api/v1/alerts", .permission("system:read"),
                RouteDoc(
                    "System alerts, newest first", tag: "monitoring", query: ["level", "limit", "since"],
                    parameterTypes: [
                        "level": .oneOf(["info", "warning", "error"]), "limit": .integer(minimum: 1, maximum: Int64(Self.maxLimit)),
                        "since": Self.time,
                    ],
                    responseSchema: .object(["alerts": .array(MonitoringJSON.alertSchema), "total": .integer, "hasMore": .boolean]))
            ) { request in
                let level = try request.query["level"].map { name throws(HTTPError) in
                    guard let level = AlertLevel(name: name) else {
                        throw HTTPError.badRequest("Unknown alert level '\(name)'", detail: "Use info, warning or error")
                    }
                    return level
                }
                let page = services.alerts.list(level: level, since: try Self.since(request), limit: try Self.limit(request))
                return .json([
                    "alerts": .array(page.alerts.map(MonitoringJSON.alert)), "total": JSON(page.total),
                    "hasMore": .bool(page.hasMore),
                ])
            },
            .post(
                "/api/v1/alerts/{id}/acknowledge", .permission("system:write"),
                RouteDoc(
                    "Mark an alert as seen (the dashboard's alerts; ours): it stays listed, active until its condition ends, with who acknowledged it and when",
                    tag: "monitoring", parameterTypes: ["id": .string(maxLength: 32, minLength: 1)],
                    responseSchema: .object(["alert": MonitoringJSON.alertSchema]), errors: [404])
            ) { request in
                let who = request.principal.user?.username ?? "appliance"
                guard let alert = services.alerts.acknowledge(request.parameter("id"), by: who) else {
                    throw HTTPError.notFound("No such alert")
                }
                return .json(["alert": MonitoringJSON.alert(alert)])
            },
            .post(
                "/api/v1/alerts/settings", .permission("settings:write"),
                RouteDoc(
                    "Update alert thresholds and notifications", tag: "monitoring",
                    request: ["thresholds": ["cpu": ["warning": 80, "critical": 90]], "notifications": ["minLevel": "warning"]],
                    requestSchema: AlertSettingsBody.schema, responseSchema: .success(["thresholds": .anyObject, "notifications": .anyObject]),
                    errors: SettingsRoutes.writeErrors)
            ) { request in
                let settings = try AlertSettingsBody.apply(try request.json(), to: services.alerts.settings)
                do {
                    let store = services.alertSettings
                    // A config write (fsync): off the cooperative pool.
                    try await BlockingWork.run { try store.save(settings) }
                } catch let error as HTTPError {
                    throw error
                } catch {
                    // The error may name a server path: it goes to the log, never into the answer.
                    Log.shared.error("Failed to save alert settings: \(error)")
                    throw HTTPError.serverError("Failed to save alert settings")
                }
                services.alerts.settings = settings
                return .success(AlertSettingsBody.json(settings))
            },
            .get(
                "/api/v1/logs", .permission("logs:read"),
                RouteDoc(
                    "The daemon's own log lines, newest first", tag: "monitoring", query: ["level", "limit", "since"],
                    parameterTypes: [
                        "level": .oneOf(["debug", "info", "warn", "error"]), "limit": .integer(minimum: 1, maximum: Int64(Self.maxLimit)),
                        "since": Self.time,
                    ],
                    responseSchema: .object([
                        "logs": .array(.object(["timestamp": .string, "level": .string, "message": .string]))
                    ]))
            ) { request in
                let minimum =
                    try request.query["level"].map { name throws(HTTPError) in
                        guard let level = LogRing.level(named: name) else {
                            throw HTTPError.badRequest("Unknown log level '\(name)'", detail: "Use debug, info, warn or error")
                        }
                        return level
                    } ?? .debug
                let entries = services.logs.query(minimum: minimum, since: try Self.since(request), limit: try Self.limit(request))
                return .json(["logs": .array(entries.map(MonitoringJSON.log))])
            },
            .get("/metrics", metricsAccess, RouteDoc(
                    "Prometheus text exposition", tag: "monitoring", responseSchema: .text, contentType: "text/plain")) { _ in
                var families = services.metrics.families()
                if let snapshot = services.snapshots.current {
                    families = SnapshotExposition.families(snapshot, alerts: services.alerts.active) + families
                }
                var response = Response.text(PrometheusText.render(families))
                response.headers.set("Content-Type", PrometheusText.contentType)
                return response
            },
        ]
    }

    static func history(_ request: Request, _ services: MonitoringServices) async throws(HTTPError) -> Response {
        let now = Date()
        let end = try request.query["end"].map { text throws(HTTPError) in try parseTime(text, name: "end") } ?? now
        let start =
            try request.query["start"].map { text throws(HTTPError) in try parseTime(text, name: "start") }
            ?? end.addingTimeInterval(-3600)
        let resolutionText = request.query["resolution"] ?? "5m"
        guard let resolution = Downsampling.parseResolution(resolutionText) else {
            throw HTTPError.badRequest("Invalid resolution '\(resolutionText)'", detail: "Use a number and s, m, h or d, e.g. 5m or 1h (at most 7d)")
        }
        guard start < end else { throw HTTPError.badRequest("start must be before end") }
        let from = Int64(start.timeIntervalSince1970.rounded(.down))
        let to = Int64(end.timeIntervalSince1970.rounded(.up))
        guard (to - from) / resolution <= maxHistoryPoints else {
            throw HTTPError.badRequest("Too many points", detail: "At most \(maxHistoryPoints) points; use a coarser resolution")
        }
        let history = services.history
        let points = try await services.stored(failing: "Failed to read metrics history") {
            try history.query(from: from, to: to, resolution: resolution)
        }
        return .json([
            "metrics": .array(points.map(MonitoringJSON.historyPoint)),
            "resolution": .string(resolutionText),
            "start": .string(Timestamp.format(start)),
            "end": .string(Timestamp.format(end)),
        ])
    }

    /// What `parseTime` takes: an ISO 8601 date-time (from 1970) or Unix seconds.
    static let time = Schema([
        "type": "string",
        "anyOf": [["format": "date-time", "maxLength": 40], ["pattern": "^[0-9]{1,11}(\\.[0-9]{1,6})?$"]],
    ])

    static func parseTime(_ text: String, name: String) throws(HTTPError) -> Date {
        guard let date = Timestamp.parse(text) else {
            throw HTTPError.badRequest("Invalid \(name) '\(text)'", detail: "Use ISO 8601 (2025-02-15T22:00:00Z) or Unix seconds")
        }
        return date
    }

    static func since(_ request: Request) throws(HTTPError) -> Date? {
        try request.query["since"].map { text throws(HTTPError) in try parseTime(text, name: "since") }
    }

    static func limit(_ request: Request) throws(HTTPError) -> Int {
        guard let text = request.query["limit"] else { return 100 }
        guard let limit = Int(text), limit >= 1, limit <= maxLimit else {
            throw HTTPError.badRequest("Invalid limit '\(text)'", detail: "Use 1 to \(maxLimit)")
        }
        return limit
    }
}
