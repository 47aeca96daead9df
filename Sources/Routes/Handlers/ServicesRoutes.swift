public import HTTP
public import Core
import FoundationEssentials
public import Monitor

/// 002's services API (list, health, restart) and 001's `/api/v1/services/status`, over the
/// `ServiceRegistry` the composition root fills with subsystems, integrations and system units.
public struct ServicesRoutes: RouteProvider {
    let registry: ServiceRegistry

    public init(registry: ServiceRegistry) {
        self.registry = registry
    }

    public var routes: [Route] {
        let registry = registry
        return [
            .get("/api/v1/services", .permission("system:read"), RouteDoc(
                    "Services and their status", tag: "services",
                    responseSchema: .object([
                        "services": .array(.object(["name": .string, "status": .string, "port": .nullable(.integer), "url": .nullable(.string)]))
                    ]))) { _ in
                let entries = await registry.checkAll()
                return .json([
                    "services": .array(
                        entries.map { entry in
                            [
                                "name": .string(entry.service.name), "status": .string(entry.state.status),
                                "port": entry.service.port.map { JSON($0) } ?? .null, "url": JSON(entry.service.url),
                            ]
                        })
                ])
            },
            .get("/api/v1/services/health", .permission("system:read"), RouteDoc(
                    "Service health with figures", tag: "services", responseSchema: .object(["services": .array(Self.healthSchema)]))) { _ in
                .json(["services": .array(await registry.checkAll().map(Self.health))])
            },
            .get("/api/v1/services/status", .permission("system:read"), RouteDoc(
                    "Service status", tag: "services",
                    responseSchema: .success(["data": .object(["services": .array(Self.healthSchema)])]))) { _ in
                .success(["data": ["services": .array(await registry.checkAll().map(Self.health))]])
            },
            .post("/api/v1/services/{name}/restart", .permission("system:write"), RouteDoc(
                    "Restart a service", tag: "services",
                    responseSchema: .success(["name": .string, "status": .string, "health": .string]))) { request in
                let name = request.parameter("name")
                guard let service = registry.service(named: name) else {
                    throw HTTPError(
                        status: 404, code: "SERVICE_NOT_FOUND", message: "Service '\(name)' not found",
                        detail: "Available services: \(registry.names.joined(separator: ", "))")
                }
                do {
                    try await service.restart()
                } catch {
                    // systemctl's output may name unit files and paths: it goes to the log, not into the answer.
                    Log.shared.error("Failed to restart '\(name)': \(error)")
                    throw HTTPError(status: 500, code: "SERVER_ERROR", message: "Failed to restart '\(name)'", detail: "See the daemon's log")
                }
                let state = await service.check()
                return .success(["name": .string(name), "status": .string(state.status), "health": .string(state.health)])
            },
        ]
    }

    static let healthSchema = Schema.object([
                "name": .string, "status": .string, "health": .string, "detail": .nullable(.string), "lastCheck": .string,
                "metrics": .object(["uptime": .nullable(.string), "memory": .nullable(.number), "cpu": .nullable(.number)]),
            ])

    /// One entry of `/services/health`: memory in GiB and CPU in percent of one core, null where unmeasured.
    public static func health(_ entry: ServiceRegistry.Entry) -> JSON {
        let uptime = entry.state.startedAt.map { Uptime.format(seconds: entry.checkedAt.timeIntervalSince($0)) }
        return [
            "name": .string(entry.service.name),
            "status": .string(entry.state.status),
            "health": .string(entry.state.health),
            "detail": JSON(entry.state.detail),
            "lastCheck": .string(Timestamp.format(entry.checkedAt)),
            "metrics": [
                "uptime": JSON(uptime),
                "memory": entry.state.memoryBytes.map { MonitoringJSON.gigabytes(Double($0)) } ?? .null,
                "cpu": entry.state.cpuPercent.map(MonitoringJSON.round1) ?? .null,
            ],
        ]
    }
}
