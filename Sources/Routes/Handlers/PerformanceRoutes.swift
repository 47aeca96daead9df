public import HTTP
import Core
import FoundationEssentials
import Monitor

/// 001's `/api/performance/*`: windowed figures, component health, database statistics,
/// recommendations derived from the current figures, and database maintenance.
public struct PerformanceRoutes: RouteProvider {
    let services: MonitoringServices

    public init(services: MonitoringServices) {
        self.services = services
    }

    public var routes: [Route] {
        let services = services
        return [
            .get(
                "/api/performance/metrics", .permission("system:read"),
                RouteDoc(
                    "CPU, memory and request figures over the last minutes", tag: "performance",
                    query: ["timeWindow", "detailed"],
                    parameterTypes: ["timeWindow": .integer(minimum: 1, maximum: 1440), "detailed": .oneOf(["true", "false"])],
                    responseSchema: .success(["data": .anyObject]))
            ) { request in
                try await Self.windowed(request, services)
            },
            .get("/api/performance/health", .permission("system:read"), RouteDoc(
                    "Health of each resource", tag: "performance",
                    responseSchema: .success([
                        "data": .object([
                            "status": .oneOf(["healthy", "warning", "critical"]),
                            "components": .map(.object(["value": .number, "status": .string])), "activeAlerts": .integer,
                            "timestamp": .string,
                        ])
                    ]))) { _ in
                let snapshot = try services.snapshot()
                let components = Self.components(snapshot, services)
                let worst = components.values.compactMap { $0["status"]?.stringValue }
                let status = worst.contains("critical") ? "critical" : worst.contains("warning") ? "warning" : "healthy"
                return .success([
                    "data": [
                        "status": .string(status), "components": .object(components),
                        "activeAlerts": JSON(services.alerts.active.count),
                        "timestamp": .string(Timestamp.format(snapshot.timestamp)),
                    ]
                ])
            },
            .get("/api/performance/database", .permission("system:read"), RouteDoc(
                    "State database statistics", tag: "performance", responseSchema: .success(["data": .anyObject]))) { _ in
                let statistics = try await services.stored(failing: "Failed to read database statistics") {
                    try services.database.statistics()
                }
                return .success(["data": .object(statistics)])
            },
            .get(
                "/api/performance/recommendations", .permission("system:read"),
                RouteDoc(
                    "What to change, from the current figures", tag: "performance",
                    responseSchema: .success(["data": .object(["recommendations": .array(.anyObject), "total": .integer])]))
            ) { _ in
                let snapshot = try services.snapshot()
                let database = try? await services.stored(failing: "") { try services.database.statistics() }
                let list = PerformanceAdvice.recommendations(
                    snapshot: snapshot, thresholds: services.alerts.settings.thresholds, database: database,
                    requestP95: services.metrics.requestSummary().p95Seconds)
                return .success(["data": ["recommendations": .array(list), "total": JSON(list.count)]])
            },
            .post(
                "/api/performance/optimize", .permission("system:write"),
                RouteDoc(
                    "Database maintenance", tag: "performance",
                    request: ["clearCache": false], requestSchema: .object([:], optional: ["clearCache": .boolean], closed: true),
                    requestOptional: true,
                    responseSchema: .success(["data": .anyObject]))
            ) { request in
                let body = try request.optionalJSON()
                guard case .object(let members) = body else { throw HTTPError.badRequest("Body must be a JSON object") }
                if let unknown = members.keys.first(where: { $0 != "clearCache" }) {
                    throw HTTPError.badRequest("Unknown field '\(unknown)'", detail: "Known: clearCache")
                }
                let clearCache: Bool
                switch members["clearCache"] {
                case nil: clearCache = false
                case .bool(let flag)?: clearCache = flag
                default: throw HTTPError.badRequest("'clearCache' must be true or false")
                }
                let done = try await services.stored(failing: "Failed to optimize the database") {
                    try services.database.optimize(clearCache: clearCache)
                }
                return .success(["data": .object(done)])
            },
        ]
    }

    static func windowed(_ request: Request, _ services: MonitoringServices) async throws(HTTPError) -> Response {
        let snapshot = try services.snapshot()
        var minutes = 5
        if let text = request.query["timeWindow"] {
            guard let value = Int(text), (1...1440).contains(value) else {
                throw HTTPError.badRequest("Invalid timeWindow '\(text)'", detail: "Minutes, 1 to 1440")
            }
            minutes = value
        }
        var detailed = false
        if let text = request.query["detailed"] {
            guard text == "true" || text == "false" else { throw HTTPError.badRequest("'detailed' must be true or false") }
            detailed = text == "true"
        }
        let now = Int64(Date().timeIntervalSince1970)
        let (history, window) = (services.history, minutes)
        let points = try await services.stored(failing: "Failed to read metrics history") {
            try history.query(from: now - Int64(window) * 60, to: now + 1, resolution: window <= 10 ? 1 : 60)
        }
        func summary(_ values: [Double]) -> JSON {
            guard !values.isEmpty else { return ["average": .null, "max": .null, "samples": 0] }
            return [
                "average": MonitoringJSON.round1(values.reduce(0, +) / Double(values.count)),
                "max": MonitoringJSON.round1(values.max() ?? 0), "samples": JSON(values.count),
            ]
        }
        var data = DetailedHealthRoutes.processAndSystem(snapshot, services).objectValue ?? [:]
        data["timeWindow"] = JSON(minutes)
        data["window"] = [
            "cpu": summary(points.map(\.cpuMax)), "memory": summary(points.map(\.memory)),
            "load1": summary(points.map(\.load1)),
        ]
        if detailed {
            data["detail"] = [
                "cores": .array(snapshot.coreUsage.map(MonitoringJSON.round1)),
                "mounts": .array(
                    snapshot.mounts.map { mount in
                        [
                            "mountPoint": .string(mount.mountPoint), "device": .string(mount.device),
                            "fileSystem": .string(mount.fileSystem), "usage": MonitoringJSON.round1(mount.usage),
                            "totalBytes": JSON(Int(mount.totalBytes)), "freeBytes": JSON(Int(mount.freeBytes)),
                        ]
                    }),
                "network": .array(
                    snapshot.network.map { net in
                        [
                            "interface": .string(net.name), "receivedBytesPerSecond": MonitoringJSON.round1(net.receivedBytesPerSecond),
                            "transmittedBytesPerSecond": MonitoringJSON.round1(net.transmittedBytesPerSecond),
                            "receivedBytes": JSON(Int(net.receivedBytes)), "transmittedBytes": JSON(Int(net.transmittedBytes)),
                        ]
                    }),
                "temperatures": .array(
                    snapshot.temperatures.map { reading in
                        ["sensor": .string(reading.sensor), "label": .string(reading.label), "celsius": MonitoringJSON.round1(reading.celsius)]
                    }),
                "points": .array(points.map(MonitoringJSON.historyPoint)),
            ]
        }
        return .success(["data": .object(data)])
    }

    static func components(_ snapshot: MetricsSnapshot, _ services: MonitoringServices) -> [String: JSON] {
        let alerts = services.alerts
        var components: [String: JSON] = [
            "cpu": ["value": MonitoringJSON.round1(snapshot.cpuUsage), "status": .string(alerts.level(of: "cpu").status)],
            "memory": ["value": MonitoringJSON.round1(snapshot.memory.usage), "status": .string(alerts.level(of: "memory").status)],
        ]
        let diskLevel = snapshot.mounts.map { alerts.level(of: "disk:\($0.mountPoint)") }.max() ?? .normal
        components["disk"] = ["value": MonitoringJSON.round1(snapshot.disk.usage), "status": .string(diskLevel.status)]
        if let temperature = snapshot.cpuTemperature {
            components["temperature"] = [
                "value": MonitoringJSON.round1(temperature),
                "status": .string(alerts.level(of: "temperature").status),
            ]
        }
        return components
    }
}
