import Core
import FoundationEssentials
import Synchronization
import Testing

@testable import Monitor

struct AlertTests {
    static let line = Threshold(warning: 80, critical: 90)

    @Test(
        arguments: [
            // (values fed in order, levels after each)
            ([79.9, 80, 79, 76, 75, 74.9], [ThresholdLevel.normal, .warning, .warning, .warning, .normal, .normal]),
            ([90, 86, 85.1, 85, 84, 74], [.critical, .critical, .critical, .warning, .warning, .normal]),
            ([80, 80.1, 79.9, 80, 79.9, 80], [.warning, .warning, .warning, .warning, .warning, .warning]),
            ([50, 95, 50], [.normal, .critical, .normal]),
            ([85, 92, 88, 81], [.warning, .critical, .critical, .warning]),
        ] as [([Double], [ThresholdLevel])])
    func hysteresis(values: [Double], levels: [ThresholdLevel]) {
        var level = ThresholdLevel.normal
        var seen: [ThresholdLevel] = []
        for value in values {
            level = ThresholdLevel.next(from: level, value: value, threshold: Self.line, hysteresis: 5)
            seen.append(level)
        }
        #expect(seen == levels)
    }

    @Test func valueOnTheLineRaisesOnceAndClearsBelowTheMargin() {
        let center = AlertCenter()
        for value in [81.0, 79.5, 80.2, 79.8, 80.0, 81] {
            center.check("cpu", value: value, threshold: Self.line, hysteresis: 5) { "CPU at \($0)" }
        }
        #expect(center.list().total == 1)
        #expect(center.active.count == 1)
        #expect(center.active.first?.level == .warning)
        center.check("cpu", value: 91, threshold: Self.line, hysteresis: 5) { "CPU at \($0)" }
        #expect(center.active.map(\.level) == [.error])
        #expect(center.list().total == 2)
        center.check("cpu", value: 60, threshold: Self.line, hysteresis: 5) { "CPU at \($0)" }
        #expect(center.active.isEmpty)
        #expect(center.level(of: "cpu") == .normal)
        let newest = center.list().alerts
        #expect(newest.map(\.isActive) == [false, false])
        #expect(newest.first?.details["threshold"] == .double(90))
    }

    @Test func snapshotEvaluationCoversEveryFigure() {
        let center = AlertCenter()
        var snapshot = Self.snapshot(cpu: 95, memoryUsed: 85, diskUsage: 96, temperature: 85)
        center.evaluate(snapshot)
        let sources = Set(center.active.compactMap(\.key))
        #expect(sources == ["cpu", "memory", "disk:/srv/media", "temperature"])
        #expect(center.active.first { $0.key == "cpu" }?.level == .error)
        #expect(center.active.first { $0.key == "memory" }?.level == .warning)
        snapshot = Self.snapshot(cpu: 5, memoryUsed: 10, diskUsage: 10, temperature: 40)
        center.evaluate(snapshot)
        #expect(center.active.isEmpty)
    }

    @Test func subsystemEventsRaiseAndClear() throws {
        let center = AlertCenter()
        let pushed = Mutex<[String]>([])
        center.subscribe { alert in pushed.withLock { $0.append(alert.message) } }
        let failed = try #require(
            center.raise(
                .configReloadFailed(
                    file: "/etc/applianced/applianced.toml",
                    error: "applianced.toml:3:7: expected '='")))
        #expect(failed.level == .error)
        #expect(failed.source == "config")
        #expect(failed.details["file"] == "/etc/applianced/applianced.toml")
        // Failing again while active adds nothing; a good reload clears it.
        center.raise(.configReloadFailed(file: "/etc/applianced/applianced.toml", error: "again"))
        #expect(center.active.count == 1)
        center.raise(.configReloaded)
        #expect(center.active.isEmpty)
        center.raise(.diskAdded(device: "/dev/sdb", model: "WD Red"))
        center.raise(.diskRemoved(device: "/dev/sdb"))
        center.raise(.jobFailed(id: "job-1", kind: "thumbnail", error: "decoder error"))
        center.raise(.serviceUnhealthy(name: "sonarr", reason: "connection refused"))
        center.raise(.serviceRecovered(name: "sonarr"))
        #expect(center.list().total == 5)
        #expect(center.list(level: .info).alerts.map(\.message) == ["Disk /dev/sdb added"])
        // The info alert is below the default minLevel (warning) and is not pushed.
        #expect(pushed.withLock { $0 }.count == 4)
        #expect(!pushed.withLock { $0 }.contains("Disk /dev/sdb added"))
    }

    @Test func listPagesNewestFirstAndTheListIsBounded() {
        let center = AlertCenter(capacity: 10)
        let base = Date(timeIntervalSince1970: 1_700_000_000)
        for index in 0..<25 {
            center.raise(
                index % 2 == 0 ? .warning : .error, "alert \(index)", source: "test",
                at: base.addingTimeInterval(Double(index)))
        }
        let all = center.list(limit: 100)
        #expect(all.total == 10)
        #expect(all.alerts.first?.message == "alert 24")
        #expect(all.alerts.first?.id == "alert-25")
        let page = center.list(level: .warning, limit: 2)
        #expect(page.alerts.map(\.message) == ["alert 24", "alert 22"])
        #expect(page.total == 5)
        #expect(page.hasMore)
        let since = center.list(since: base.addingTimeInterval(23), limit: 100)
        #expect(since.alerts.map(\.message) == ["alert 24", "alert 23"])
        #expect(!since.hasMore)
    }

    @Test(arguments: [
        ("info", AlertLevel.info), ("warning", .warning), ("warn", .warning), ("error", .error), ("critical", .error),
        ("ERROR", .error),
    ])
    func levelNames(name: String, level: AlertLevel) {
        #expect(AlertLevel(name: name) == level)
    }

    @Test func thresholdValidation() {
        var thresholds = AlertThresholds()
        #expect(thresholds.validationError() == nil)
        thresholds.cpu = Threshold(warning: 90, critical: 80)
        #expect(thresholds.validationError()?.contains("cpu warning") == true)
        thresholds = AlertThresholds()
        thresholds.disk = Threshold(warning: 50, critical: 101)
        #expect(thresholds.validationError() != nil)
        thresholds = AlertThresholds()
        thresholds.temperature = Threshold(warning: 85, critical: 105)
        #expect(thresholds.validationError() == nil)
    }

    static func snapshot(cpu: Double, memoryUsed: UInt64, diskUsage: UInt64, temperature: Double) -> MetricsSnapshot {
        MetricsSnapshot(
            timestamp: Date(), interval: 1, cpuUsage: cpu, coreUsage: [cpu, cpu],
            memory: MemoryInfo(totalBytes: 100, freeBytes: 100 - memoryUsed, availableBytes: 100 - memoryUsed),
            mounts: [
                MountUsage(
                    mountPoint: "/srv/media", device: "/dev/sdb1", fileSystem: "ext4", totalBytes: 100,
                    usedBytes: diskUsage, freeBytes: 100 - diskUsage)
            ],
            network: [], temperatures: [TemperatureReading(sensor: "thermal_zone0", label: "x86_pkg_temp", celsius: temperature)],
            load: LoadAverage(one: 0, five: 0, fifteen: 0, runnable: 1, tasks: 1), uptimeSeconds: 10,
            process: ProcessUsage(cpuPercent: 0, residentBytes: 0, threads: 1, uptimeSeconds: 1))
    }
}
