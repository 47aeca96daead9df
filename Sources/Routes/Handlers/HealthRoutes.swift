public import HTTP
public import Core
import FoundationEssentials

/// Health for pollers (routers, Uptime Kuma, Prometheus, HAProxy): public, `.immediate`, answered
/// from memory on the server thread whatever the workers are doing. Bodies are built once.
public struct HealthRoutes: RouteProvider {
    private let readiness: Readiness
    private let apiHealth: Response
    private let plainOK: Response

    public init(readiness: Readiness, version: String = ApplianceVersion.current) {
        self.readiness = readiness
        apiHealth = .json(["status": "healthy", "version": .string(version)])
        plainOK = .text("ok")
    }

    public var routes: [Route] {
        let apiHealth = self.apiHealth
        let plainOK = self.plainOK
        let readiness = self.readiness
        return [
            Route(
                "GET", "/api/health", access: .public,
                doc: RouteDoc(
                    "Appliance health", tag: "health", response: ["status": "healthy", "version": "0.1.0"],
                    responseSchema: .object(["status": .oneOf(["healthy"]), "version": .string])),
                handler: .immediate { _ in apiHealth }),
            Route(
                "GET", "/health", access: .public,
                doc: RouteDoc(
                    "Health with a timestamp", tag: "health",
                    response: ["status": "ok", "timestamp": "2026-01-01T00:00:00Z"],
                    responseSchema: .object(["status": .oneOf(["ok"]), "timestamp": .dateTime])),
                handler: .immediate { _ in
                    .json(["status": "ok", "timestamp": .string(Date().formatted(.iso8601))])
                }),
            Route(
                "GET", "/livez", access: .public,
                doc: RouteDoc("Liveness (plain ok)", tag: "health", responseSchema: .text, contentType: "text/plain"),
                handler: .immediate { _ in plainOK }),
            Route(
                "GET", "/healthz", access: .public,
                doc: RouteDoc("Health (plain ok)", tag: "health", responseSchema: .text, contentType: "text/plain"),
                handler: .immediate { _ in plainOK }),
            Route(
                "GET", "/readyz", access: .public,
                doc: RouteDoc(
                    "Readiness: 503 until config and state are open and start-up work is done", tag: "health", responseSchema: .text,
                    contentType: "text/plain"),
                handler: .immediate { _ in
                    if readiness.isReady { return plainOK }
                    throw HTTPError(
                        status: 503, code: "NOT_READY", message: "Not ready",
                        detail: "Waiting for: " + readiness.missing.joined(separator: ", "))
                }),
        ]
    }
}
