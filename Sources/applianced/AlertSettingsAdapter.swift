import Config
import Monitor

/// `[alerts]` of the config store as the monitor's alert settings, read and written.
struct ConfigAlertSettings: AlertSettingsStore {
    let config: ConfigStore

    func save(_ settings: AlertSettings) throws {
        let t = settings.thresholds
        let n = settings.notifications
        _ = try config.update([
            ("alerts.cpu_warning_percent", .integer(Int64(t.cpu.warning.rounded()))),
            ("alerts.cpu_critical_percent", .integer(Int64(t.cpu.critical.rounded()))),
            ("alerts.memory_warning_percent", .integer(Int64(t.memory.warning.rounded()))),
            ("alerts.memory_critical_percent", .integer(Int64(t.memory.critical.rounded()))),
            ("alerts.disk_warning_percent", .integer(Int64(t.disk.warning.rounded()))),
            ("alerts.disk_critical_percent", .integer(Int64(t.disk.critical.rounded()))),
            ("alerts.temperature_warning_c", .integer(Int64(t.temperature.warning.rounded()))),
            ("alerts.temperature_critical_c", .integer(Int64(t.temperature.critical.rounded()))),
            ("alerts.notify_email", .bool(n.email)),
            ("alerts.notify_desktop", .bool(n.desktop)),
            ("alerts.min_level", .string(n.minLevel.rawValue)),
        ])
    }

    /// The alert settings a config snapshot describes.
    static func settings(from snapshot: ConfigSnapshot) -> AlertSettings {
        var thresholds = AlertThresholds()
        func threshold(_ name: String, _ unit: String) -> Threshold {
            Threshold(
                warning: Double(snapshot.integer("alerts.\(name)_warning_\(unit)")),
                critical: Double(snapshot.integer("alerts.\(name)_critical_\(unit)")))
        }
        thresholds.cpu = threshold("cpu", "percent")
        thresholds.memory = threshold("memory", "percent")
        thresholds.disk = threshold("disk", "percent")
        thresholds.temperature = threshold("temperature", "c")
        thresholds.hysteresis = Double(snapshot.integer("alerts.hysteresis_percent"))
        let notifications = AlertNotifications(
            email: snapshot.bool("alerts.notify_email"), desktop: snapshot.bool("alerts.notify_desktop"),
            minLevel: AlertLevel(rawValue: snapshot.string("alerts.min_level")) ?? .warning)
        return AlertSettings(thresholds: thresholds, notifications: notifications)
    }
}
