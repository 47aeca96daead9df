public import HTTP
import Core
import FoundationEssentials
import Monitor

/// Health (001's detailed check with 004's `status`, 004's ready/version/ping), 001's admin health
/// metrics and 001's dashboard endpoints, all from the sampler, the checks and the alert list.
public struct DetailedHealthRoutes: RouteProvider {
    let services: MonitoringServices

    public init(services: MonitoringServices) {
        self.services = services
    }

    public var routes: [Route] {
        let services = services
        let health: @Sendable (Request) async throws -> Response = { _ in
            let results = await services.runChecks()
            let status = services.overallStatus(results)
            var members: [String: JSON] = [:]
            for result in results {
                members[result.check.name] = .string(!result.check.configured ? "not configured" : result.ready ? "online" : "offline")
            }
            return .success([
                "status": .string(status),
                "data": ["status": .string(status), "services": .object(members), "timestamp": .string(Timestamp.format(Date()))],
            ])
        }
        return [
            .get("/api/v1/health", .public, RouteDoc("Detailed health check", tag: "health", responseSchema: Self.healthSchema), health),
            .get("/api/v1/health/", .public, RouteDoc("Basic health check", tag: "health", responseSchema: Self.healthSchema), health),
            .get(
                "/api/v1/health/ready", .public,
                RouteDoc(
                    "Readiness of every part; 503 when a critical one is not ready",
                    tag: "health",
                    responseSchema: Self.readinessSchema, errorBodies: [503: Self.readinessSchema])
            ) { _ in
                let results = await services.runChecks()
                var checks: [String: JSON] = [:]
                for result in results {
                    let word = !result.check.configured ? "not configured" : result.ready ? "ready" : "not ready"
                    checks[result.check.name] = ["status": .string(word), "error": JSON(result.error)]
                }
                let ready = !results.contains { $0.check.critical && !$0.ready }
                return .json(
                    ["status": .string(ready ? "ready" : "not ready"), "checks": .object(checks)],
                    status: ready ? 200 : 503)
            },
            .get("/api/v1/health/version", .public, RouteDoc(
                    "Version and build information", tag: "health",
                    responseSchema: .object([
                        "name": .string, "version": .string, "environment": .string, "debug": .boolean, "features": .map(.boolean),
                    ]))) { _ in
                .json([
                    "name": "applianced",
                    "version": .string(ApplianceVersion.current),
                    "environment": .string(services.environment),
                    "debug": .bool(Self.isDebugBuild),
                    "features": .object(services.features().mapValues(JSON.bool)),
                ])
            },
            .get("/api/v1/health/ping", .public, RouteDoc("Latency check", tag: "health", responseSchema: .object(["timestamp": .number]))) { _ in
                .json(["timestamp": .double((Date().timeIntervalSince1970 * 1000).rounded() / 1000)])
            },
            .get("/api/v1/health/metrics", .permission("system:read"), RouteDoc(
                    "Process and system performance metrics", tag: "health", responseSchema: .success(["data": Self.figuresSchema]))) { _ in
                let snapshot = try services.snapshot()
                return .success(["data": Self.processAndSystem(snapshot, services)])
            },
            .get("/api/v1/dashboard/stats", .permission("system:read"), RouteDoc(
                    "Dashboard statistics", tag: "dashboard",
                    responseSchema: .success([
                        "data": .object([
                            "process": .anyObject, "system": .anyObject, "requests": .anyObject,
                            "alerts": .object(["active": .integer, "warning": .integer, "error": .integer]), "jobs": .map(.integer),
                        ])
                    ]))) { _ in
                let snapshot = try services.snapshot()
                var data = Self.processAndSystem(snapshot, services).objectValue ?? [:]
                let active = services.alerts.active
                data["alerts"] = [
                    "active": JSON(active.count),
                    "warning": JSON(active.filter { $0.level == .warning }.count),
                    "error": JSON(active.filter { $0.level == .error }.count),
                ]
                data["jobs"] = Self.jobCounts(services.metrics)
                return .success(["data": .object(data)])
            },
            .get("/api/v1/dashboard/status", .permission("system:read"), RouteDoc(
                    "Status of the appliance's parts", tag: "dashboard",
                    responseSchema: .success([
                        "data": .object([
                            "status": .string, "timestamp": .string,
                            "services": .array(
                                .object(["name": .string, "status": .string, "critical": .boolean, "error": .nullable(.string)])),
                        ])
                    ]))) { _ in
                let results = await services.runChecks()
                let parts: [JSON] = results.map { result in
                    [
                        "name": .string(result.check.name),
                        "status": .string(!result.check.configured ? "not configured" : result.ready ? "online" : "offline"),
                        "critical": .bool(result.check.critical),
                        "error": JSON(result.error),
                    ]
                }
                return .success([
                    "data": [
                        "status": .string(services.overallStatus(results)), "services": .array(parts),
                        "timestamp": .string(Timestamp.format(Date())),
                    ]
                ])
            },
            .get(
                "/api/v1/dashboard/notifications", .permission("system:read"),
                RouteDoc(
                    "Active alerts as notifications, newest first", tag: "dashboard",
                    responseSchema: .success([
                        "data": .object(["notifications": .array(MonitoringJSON.alertSchema), "total": .integer])
                    ]))
            ) { _ in
                let active = services.alerts.active.reversed().map(MonitoringJSON.alert)
                return .success(["data": ["notifications": .array(Array(active)), "total": JSON(active.count)]])
            },
        ]
    }

    static let readinessSchema = Schema.object([
        "status": .oneOf(["ready", "not ready"]), "checks": .map(.object(["status": .string, "error": .nullable(.string)])),
    ])

    static let healthSchema = Schema.success([
        "status": .string, "data": .object(["status": .string, "services": .map(.string), "timestamp": .string]),
    ])

    static let figuresSchema = Schema.object([
        "process": .object(["cpu": .number, "memory": .object(["rss": .integer]), "threads": .integer, "uptime": .number]),
        "system": .object([
            "cpu": .number, "cores": .integer, "memory": .number, "disk": .number, "temperature": .nullable(.number),
            "load": .array(.number), "uptime": .string,
        ]),
        "requests": .object([
            "total": .integer, "serverErrors": .integer, "averageMilliseconds": .nullable(.number),
            "p95Milliseconds": .nullable(.number),
        ]),
    ])

    #if DEBUG
        static let isDebugBuild = true
    #else
        static let isDebugBuild = false
    #endif

    /// The daemon's own use, the box's figures and the HTTP figures from the metrics registry.
    static func processAndSystem(_ snapshot: MetricsSnapshot, _ services: MonitoringServices) -> JSON {
        let requests = services.metrics.requestSummary()
        func milliseconds(_ seconds: Double?) -> JSON {
            guard let seconds, seconds.isFinite else { return .null }
            return .double((seconds * 100_000).rounded() / 100)
        }
        return [
            "process": [
                "cpu": MonitoringJSON.round1(snapshot.process.cpuPercent),
                "memory": ["rss": JSON(Int(snapshot.process.residentBytes))],
                "threads": JSON(snapshot.process.threads),
                "uptime": .double(snapshot.process.uptimeSeconds.rounded()),
            ],
            "system": [
                "cpu": MonitoringJSON.round1(snapshot.cpuUsage),
                "cores": JSON(snapshot.coreUsage.count),
                "memory": MonitoringJSON.round1(snapshot.memory.usage),
                "disk": MonitoringJSON.round1(snapshot.disk.usage),
                "temperature": snapshot.cpuTemperature.map(MonitoringJSON.round1) ?? .null,
                "load": [.double(snapshot.load.one), .double(snapshot.load.five), .double(snapshot.load.fifteen)],
                "uptime": .string(Uptime.format(seconds: snapshot.uptimeSeconds)),
            ],
            "requests": [
                "total": JSON(Int(requests.count)),
                "serverErrors": JSON(Int(requests.serverErrors)),
                "averageMilliseconds": milliseconds(requests.meanSeconds),
                "p95Milliseconds": milliseconds(requests.p95Seconds),
            ],
        ]
    }

    /// Ended jobs by outcome, summed over kinds, from the `applianced_jobs_total` counter.
    static func jobCounts(_ metrics: MetricsRegistry) -> JSON {
        var counts: [String: Int64] = ["completed": 0, "failed": 0, "cancelled": 0]
        for family in metrics.families() where family.name == MetricsRegistry.jobs {
            for sample in family.samples {
                if let outcome = sample.labels.first(where: { $0.0 == "outcome" })?.1 {
                    counts[outcome, default: 0] += Int64(sample.value)
                }
            }
        }
        return .object(counts.mapValues(JSON.int))
    }
}
