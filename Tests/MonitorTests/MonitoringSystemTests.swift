import Core
import Store
import Testing
@testable import Monitor
import TestSupport

struct MonitoringSystemTests {
    @Test func samplesFeedAlertsAndTheRingAndLogsAreKept() async throws {
        let directory = TemporaryDirectory()
        var settings = AlertSettings()
        // A line every box crosses: memory in use is always above 0.1 %.
        settings.thresholds.memory = Threshold(warning: 0.1, critical: 100)
        let system = try MonitoringSystem(
            database: try Database.openState(root: directory.path),
            configuration: MonitoringConfiguration(sampleInterval: 0.05), settings: settings, onHistoryError: { _ in })
        let log = Log()
        try system.start(log: log)
        defer { system.stop() }
        for _ in 0..<200 where system.history.recent.count < 2 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(system.history.recent.count >= 2)
        #expect(system.alerts.active.contains { $0.key == "memory" && $0.level == .warning })
        log.warning("Failed to reach 'radarr': timeout")
        #expect(system.logs.query(limit: 1).first?.message == "Failed to reach 'radarr': timeout")
        #expect(system.statistics.isReady().ready)
    }
}
