public import HTTP
import Core

/// 002's `/monitoring` WebSocket: `metrics`, `alert` and `status` messages from the `MonitoringFeed`.
/// The token comes in `X-Auth-Token`, `Authorization: Bearer` or (browsers) `?token=`; client messages
/// are read and ignored.
public struct MonitoringSocketRoutes: RouteProvider {
    let feed: MonitoringFeed

    public init(feed: MonitoringFeed) {
        self.feed = feed
    }

    public var routes: [Route] {
        let feed = feed
        return [
            Route(
                "GET", "/monitoring", access: .permission("system:read"),
                doc: RouteDoc(
                    "Live monitoring WebSocket: metrics on every sample, alerts, service status changes",
                    tag: "monitoring", query: ["token"],
                    response: ["type": "metrics", "data": ["cpu": ["usage": 4.5, "status": "healthy"]]]),
                handler: .webSocket { _, socket in
                    let id = feed.join(socket)
                    while await socket.receive() != nil {}
                    feed.leave(id)
                })
        ]
    }
}
