import Core
public import HTTP

/// 001's `GET /api/v1/admin/services`: each integration (and Plex) with what its last probe found, in
/// 001's `{success, data}` envelope. Read from memory (the probes' state); asks no app. Needs `services:read`.
public struct AdminServicesRoutes: RouteProvider {
    let probes: IntegrationProbes

    public init(probes: IntegrationProbes) {
        self.probes = probes
    }

    static let entrySchema = Schema.object([
        "name": .string, "title": .string, "configured": .boolean, "enabled": .boolean, "reachable": .nullable(.boolean),
        "status": .oneOf(["disabled", "not_configured", "unknown", "up", "down"]), "version": .nullable(.string),
        "latencyMs": .nullable(.integer), "lastError": .nullable(.string), "lastChecked": .nullable(.dateTime),
    ])

    public var routes: [Route] {
        let probes = probes
        return [
            .get(
                "/api/v1/admin/services", .permission("services:read"),
                RouteDoc(
                    "The integrations and Plex: configured, reachable, version, latency, last error", tag: "admin",
                    responseSchema: .success(["data": .array(Self.entrySchema)]))
            ) { _ in
                .success(["data": .array(probes.all.map(Self.json))])
            }
        ]
    }

    static func json(_ state: ProbeState) -> JSON {
        [
            "name": .string(state.name), "title": .string(state.title), "configured": .bool(state.configured), "enabled": .bool(state.enabled),
            "reachable": state.reachable.map(JSON.bool) ?? .null, "status": .string(state.status), "version": JSON(state.version),
            "latencyMs": state.latencyMs.map { JSON($0) } ?? .null, "lastError": JSON(state.lastError),
            "lastChecked": state.lastChecked.map(IntegrationJSON.time) ?? .null,
        ]
    }
}
