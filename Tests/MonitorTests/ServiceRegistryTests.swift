import FoundationEssentials
import Synchronization
import Testing

@testable import Monitor

struct ServiceRegistryTests {
    @Test(arguments: [
        ("plexmediaserver.service", true), ("getty@tty1.service", true), ("media-disk.mount", true),
        ("plex", false), ("-rf.service", false), ("a b.service", false), ("x;reboot.service", false), ("", false),
    ])
    func unitNames(unit: String, valid: Bool) {
        #expect(SystemdUnit.validUnitName(unit) == valid)
    }

    @Test func spawnsWithoutAShell() {
        let (code, output) = SystemdUnit.run("/bin/echo", ["restart", "a;b $(x)"])
        #expect(code == 0)
        #expect(output == "restart a;b $(x)")
        #expect(SystemdUnit.run("/bin/false", []).0 == 1)
        #expect(SystemdUnit.run("/nonexistent/systemctl", []).0 != 0)
    }

    @Test func systemdUnitStateFromSystemctl() async throws {
        let running = SystemdUnit(name: "plex", unit: "plexmediaserver.service", systemctl: "/bin/echo")
        // `echo is-active plexmediaserver.service` is not a state word: unknown, but it ran (exit 0).
        #expect(await running.check().status == "unknown")
        try await running.restart()
        let failing = SystemdUnit(name: "plex", unit: "plexmediaserver.service", systemctl: "/bin/false")
        let state = await failing.check()
        #expect(state.health != "healthy")
        await #expect(throws: ServiceRestartError.self) { try await failing.restart() }
    }

    @Test func unhealthyTransitionsRaiseAndClearAlerts() async {
        let alerts = AlertCenter()
        let healthy = Mutex(true)
        let registry = ServiceRegistry(
            [
                InProcessService(
                    name: "jobs",
                    check: {
                        healthy.withLock { $0 }
                            ? ServiceState(status: "running", health: "healthy")
                            : ServiceState(status: "failed", health: "unhealthy", detail: "worker thread exited")
                    }, restart: { healthy.withLock { $0 = true } })
            ], alerts: alerts)
        _ = await registry.checkAll()
        #expect(alerts.active.isEmpty)
        healthy.withLock { $0 = false }
        _ = await registry.checkAll()
        _ = await registry.checkAll()
        #expect(alerts.active.map(\.message) == ["Service jobs is unhealthy: worker thread exited"])
        try? await registry.service(named: "jobs")?.restart()
        _ = await registry.checkAll()
        #expect(alerts.active.isEmpty)
        #expect(alerts.list().total == 1)
    }
}
