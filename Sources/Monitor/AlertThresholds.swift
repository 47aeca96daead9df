/// A warning and a critical line for one figure (percent, or °C for temperature).
public struct Threshold: Sendable, Equatable {
    public var warning: Double
    public var critical: Double

    public init(warning: Double, critical: Double) {
        self.warning = warning
        self.critical = critical
    }
}

/// The `[alerts]` thresholds: cpu, memory, disk (percent) and temperature (°C).
public struct AlertThresholds: Sendable, Equatable {
    public var cpu = Threshold(warning: 80, critical: 90)
    public var memory = Threshold(warning: 80, critical: 90)
    public var disk = Threshold(warning: 85, critical: 95)
    public var temperature = Threshold(warning: 80, critical: 90)
    /// How far below a line a figure must fall before its alert clears, so a value on the line does not flap.
    public var hysteresis: Double = 5

    public init() {}

    /// Nil when valid; else the reason, naming the figure.
    public func validationError() -> String? {
        for (name, threshold, limit) in [
            ("cpu", cpu, 100.0), ("memory", memory, 100), ("disk", disk, 100),
            ("temperature", temperature, 150),
        ] {
            guard threshold.warning.isFinite, threshold.critical.isFinite, threshold.warning > 0,
                threshold.critical <= limit
            else {
                return "\(name) thresholds must lie in 0…\(Int(limit))"
            }
            guard threshold.warning < threshold.critical else {
                return "\(name) warning (\(threshold.warning)) must be below critical (\(threshold.critical))"
            }
        }
        guard hysteresis >= 0, hysteresis <= 50 else { return "hysteresis must lie in 0…50" }
        return nil
    }
}

/// How far over its lines a figure is.
public enum ThresholdLevel: Int, Sendable, Comparable {
    case normal, warning, critical

    public static func < (a: ThresholdLevel, b: ThresholdLevel) -> Bool { a.rawValue < b.rawValue }

    /// The health word the 002 shapes use.
    public var status: String {
        switch self {
        case .normal: "healthy"
        case .warning: "warning"
        case .critical: "critical"
        }
    }

    /// The next level for `value`, given the current one: a level is entered at its line and left only
    /// once the value falls `hysteresis` below it.
    public static func next(
        from current: ThresholdLevel, value: Double, threshold: Threshold,
        hysteresis: Double
    ) -> ThresholdLevel {
        if value >= threshold.critical { return .critical }
        if current == .critical && value > threshold.critical - hysteresis { return .critical }
        if value >= threshold.warning { return .warning }
        if current >= .warning && value > threshold.warning - hysteresis { return .warning }
        return .normal
    }
}

/// How alerts are delivered: 002's `notifications` block of `POST /alerts/settings`.
public struct AlertNotifications: Sendable, Equatable {
    public var email = false
    public var desktop = true
    /// Alerts below this level are listed but not pushed to notification subscribers.
    public var minLevel = AlertLevel.warning

    public init(email: Bool = false, desktop: Bool = true, minLevel: AlertLevel = .warning) {
        self.email = email
        self.desktop = desktop
        self.minLevel = minLevel
    }
}

/// Everything `POST /api/v1/alerts/settings` sets, persisted to `[alerts]` by an `AlertSettingsStore`.
public struct AlertSettings: Sendable, Equatable {
    public var thresholds = AlertThresholds()
    public var notifications = AlertNotifications()

    public init(thresholds: AlertThresholds = AlertThresholds(), notifications: AlertNotifications = AlertNotifications()) {
        self.thresholds = thresholds
        self.notifications = notifications
    }
}

/// Writes alert settings back to the TOML config (`[alerts]` keys); the composition root backs it
/// with the config store. Throws with a message a user can act on.
public protocol AlertSettingsStore: Sendable {
    func save(_ settings: AlertSettings) throws
}
