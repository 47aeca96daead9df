import HTTP
public import Config
public import Monitor

/// `[alerts]` of the config store as the monitor's alert settings, read and written; a value the config refuses is
/// refused with the same checks as a hand edit of the file.
public struct ConfigAlertSettings: AlertSettingsStore {
    let config: ConfigStore

    public init(config: ConfigStore) {
        self.config = config
    }

    /// Throws the API's answer when the config refuses a value (the same checks as a hand edit of `[alerts]`).
    public func save(_ settings: AlertSettings) throws {
        do {
            try write(settings)
        } catch {
            throw AlertSettingsBody.httpError(error, store: config)
        }
    }

    private func write(_ settings: AlertSettings) throws(ConfigWriteError) {
        let t = settings.thresholds
        let n = settings.notifications
        _ = try config.update([
            ("alerts.cpu_warning_percent", .integer(Self.whole(t.cpu.warning))),
            ("alerts.cpu_critical_percent", .integer(Self.whole(t.cpu.critical))),
            ("alerts.memory_warning_percent", .integer(Self.whole(t.memory.warning))),
            ("alerts.memory_critical_percent", .integer(Self.whole(t.memory.critical))),
            ("alerts.disk_warning_percent", .integer(Self.whole(t.disk.warning))),
            ("alerts.disk_critical_percent", .integer(Self.whole(t.disk.critical))),
            ("alerts.temperature_warning_c", .integer(Self.whole(t.temperature.warning))),
            ("alerts.temperature_critical_c", .integer(Self.whole(t.temperature.critical))),
            ("alerts.notify_email", .bool(n.email)),
            ("alerts.notify_desktop", .bool(n.desktop)),
            ("alerts.min_level", .string(n.minLevel.rawValue)),
        ])
    }

    /// A threshold as the config's integer; out-of-range values stay out of range (the schema refuses them), never trap.
    static func whole(_ value: Double) -> Int64 {
        guard value.isFinite else { return Int64.max }
        return Int64(max(-1e15, min(1e15, value.rounded())))
    }

    /// The alert settings a config snapshot describes.
    public static func settings(from snapshot: ConfigSnapshot) -> AlertSettings {
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
