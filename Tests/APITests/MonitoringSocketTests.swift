import Core
import Monitor
import Synchronization
import Testing

@testable import HTTP
@testable import Routes
import TestSupport

/// 002's `/monitoring` WebSocket over a real server: metrics on every sample, alerts as raised, service
/// status changes, the browser's `?token=` and nothing for a client without a credential.
@Suite(.serialized)
struct MonitoringSocketTests {
    /// A service whose status the test flips.
    final class Switch: Sendable {
        let running = Atomic<Bool>(true)
        var service: InProcessService {
            InProcessService(name: "plex", port: 32400) { [self] in
                running.load(ordering: .relaxed)
                    ? ServiceState(status: "running", health: "healthy") : ServiceState(status: "stopped", health: "unhealthy")
            } restart: {}
        }
    }

    static func open(_ server: TestServer, path: String, headers: [String: String]) async throws -> (RawHTTPClient, Int) {
        let client = try await server.client()
        let reply = try await client.request(
            "GET", path,
            headers: ["Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version": "13"]
                .merging(headers) { $1 })
        return (client, reply.status)
    }

    /// Reads text frames until one of `type` arrives (at most 2,000 frames: metrics come every 0.1 s,
    /// and on a loaded machine a service check has taken longer than 200 of them to report).
    static func next(_ type: String, from client: RawHTTPClient) async throws -> JSON? {
        for _ in 0..<2000 {
            guard let frame = try await WebSocketTests.readFrame(client) else { return nil }
            guard frame.opcode == WebSocketFrame.text else { continue }
            let message = try JSON.decode(frame.payload)
            if message["type"]?.stringValue == type { return message["data"] }
        }
        return nil
    }

    @Test func metricsAlertsAndStatusChanges() async throws {
        let sampler = Sampler(interval: 0.1)
        let alerts = AlertCenter()
        let plex = Switch()
        let registry = ServiceRegistry([plex.service], alerts: alerts)
        _ = await registry.checkAll()
        let feed = MonitoringFeed(sampler: sampler, alerts: alerts, registry: registry, statusSeconds: 1)
        try sampler.start()
        defer { sampler.stop() }
        let server = try TestServer(routes: MonitoringSocketRoutes(feed: feed).routes)
        defer { Task { await server.server.stop() } }

        let (client, status) = try await Self.open(server, path: "/monitoring", headers: ["X-Auth-Token": TestServer.token])
        #expect(status == 101)
        let metrics = try #require(try await Self.next("metrics", from: client))
        #expect(metrics["cpu"]?["usage"]?.doubleValue != nil)
        #expect(metrics["memory"] != nil)
        #expect(feed.clientCount == 1)

        alerts.raise(.warning, "Disk /dev/sdb removed", source: "hardware")
        let alert = try #require(try await Self.next("alert", from: client))
        #expect(alert["message"] == "Disk /dev/sdb removed")
        #expect(alert["level"] == "warning")

        plex.running.store(false, ordering: .relaxed)
        feed.refreshServices()
        let change = try #require(try await Self.next("status", from: client))
        #expect(change["name"] == "plex")
        #expect(change["status"] == "stopped")

        // The browser form: the token in the query, since a WebSocket cannot carry headers there.
        let (browser, browserStatus) = try await Self.open(server, path: "/monitoring?token=\(TestServer.token)", headers: [:])
        #expect(browserStatus == 101)
        #expect(try await Self.next("metrics", from: browser) != nil)
    }

    @Test func refusedWithoutAToken() async throws {
        let sampler = Sampler(interval: 1)
        let feed = MonitoringFeed(sampler: sampler, alerts: AlertCenter(), registry: nil)
        let server = try TestServer(routes: MonitoringSocketRoutes(feed: feed).routes)
        defer { Task { await server.server.stop() } }
        #expect(try await Self.open(server, path: "/monitoring", headers: [:]).1 == 401)
        #expect(try await Self.open(server, path: "/monitoring?token=wrong", headers: [:]).1 == 401)
        #expect(feed.clientCount == 0)
    }
}
