import Accounts
import Config
import Core
import HTTP
import Jobs
import Monitor
import Requests
import Routes
import SocketIO

/// The Socket.IO server on `/socket.io/` and the daemon's live events it carries (the names follow
/// 001's `noun:verb` examples):
/// - `/system` (admins, `system:read`): `system:metrics` on every sample, `system:notification` for
///   each alert, `system:status` when a service's status or health changes, and the job events
///   (`job:progress`, `job:complete`, `job:error`, `worker:update`) to those who also hold `jobs:read`;
/// - `/admin`: all of the above but the metrics, and `request:updated` for every request;
/// - `/media` and `/authenticated`: `request:updated` for the caller's own requests (all for `requests:manage`).
enum SocketIOAssembly {
    static func server(
        config: ConfigStore, verifiers: [any CredentialVerifier], setup: any SetupState, runner: JobRunner, monitoring: MonitoringSystem,
        registry: ServiceRegistry, requests: RequestService
    ) -> SocketIOServer {
        var limits = SocketIOLimits()
        // A poll must be answered (a noop at worst) before the handler time limit turns it into a 504.
        let handlerSeconds = max(2, config.snapshot.integer("limits.handler_timeout_s"))
        limits.pollWait = .seconds(min(20, handlerSeconds - 1))
        let server = SocketIOServer(gate: AuthGate(verifiers: verifiers, setup: setup), limits: limits)
        let alerts = monitoring.alerts
        monitoring.sampler.subscribe { [weak server] snapshot in
            guard let server, server.hasListeners(in: "/system") else { return }
            server.emit("system:metrics", MonitoringJSON.current(snapshot, alerts: alerts), namespace: "/system")
        }
        alerts.subscribe { [weak server] alert in
            guard let server else { return }
            let notification = notification(alert)
            for namespace in ["/system", "/admin"] { server.emit("system:notification", notification, namespace: namespace) }
        }
        registry.subscribeChanges { [weak server] entry in
            guard let server else { return }
            let status = ServicesRoutes.health(entry)
            for namespace in ["/system", "/admin"] { server.emit("system:status", status, namespace: namespace) }
        }
        _ = runner.events.subscribe { [weak server] event in
            guard let server else { return }
            let name = event.event.replacing("_", with: ":")
            server.emit(name, event.data, namespace: "/system") { $0.holds("jobs:read") }
            server.emit(name, event.data, namespace: "/admin")
        }
        requests.statusChanges.add { [weak server] request in
            guard let server else { return }
            let data = updated(request)
            let owner = request.userID
            let maySee: @Sendable (Principal) -> Bool = { $0.user?.id == owner || $0.holds("requests:manage") }
            server.emit("request:updated", data, namespace: "/media", to: maySee)
            server.emit("request:updated", data, namespace: "/authenticated", to: maySee)
            server.emit("request:updated", data, namespace: "/admin")
        }
        return server
    }

    /// 001's `system:notification`: `type` (the alert level: info, warning, error), `title`, `message`, `timestamp`, plus the alert's id and source.
    static func notification(_ alert: Alert) -> JSON {
        [
            "type": .string(alert.level.rawValue), "title": .string(alert.source), "message": .string(alert.message),
            "timestamp": MonitoringJSON.alert(alert).objectValue?["timestamp"] ?? .null, "id": .string(alert.id),
        ]
    }

    /// 001's `request:updated`: `id`, `status`, `mediaTitle`, `updatedBy`, plus the media and the reason.
    static func updated(_ request: MediaRequest) -> JSON {
        [
            "id": .string(request.id), "status": .string(request.status.rawValue), "mediaTitle": .string(request.title),
            "updatedBy": JSON(request.decidedBy), "mediaType": .string(request.kind.rawValue), "tmdbId": JSON(request.tmdbID),
            "reason": JSON(request.statusReason), "userId": .string(request.userID),
        ]
    }
}
