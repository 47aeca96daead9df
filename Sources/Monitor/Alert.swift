public import Core
public import FoundationEssentials

/// Severity of an alert as 002 names it; a critical threshold raises `error`.
public enum AlertLevel: String, Sendable, CaseIterable, Comparable {
    case info, warning, error

    /// Accepts 002's names plus "critical" (→ error) and "warn" (→ warning).
    public init?(name: String) {
        switch name.lowercased() {
        case "info": self = .info
        case "warning", "warn": self = .warning
        case "error", "critical": self = .error
        default: return nil
        }
    }

    private var rank: Int { self == .info ? 0 : self == .warning ? 1 : 2 }
    public static func < (a: AlertLevel, b: AlertLevel) -> Bool { a.rank < b.rank }
}

/// One alert: raised by a threshold or by a subsystem, cleared when its condition ends.
public struct Alert: Sendable, Equatable {
    public var id: String
    public var timestamp: Date
    public var level: AlertLevel
    public var message: String
    /// The subsystem that raised it: "monitor", "config", "hardware", "jobs", "services".
    public var source: String
    public var details: JSON
    /// Identifies the condition ("cpu", "disk:/srv/media", "config:reload"), so raising it again while it
    /// is active updates nothing and clearing it resolves the alert. Nil for one-off events.
    public var key: String?
    public var resolvedAt: Date?
    /// When someone said they have seen it, and who (a user name, or `appliance` for the token).
    public var acknowledgedAt: Date?
    public var acknowledgedBy: String?

    public init(
        id: String, timestamp: Date, level: AlertLevel, message: String, source: String, details: JSON,
        key: String?, resolvedAt: Date? = nil
    ) {
        self.id = id
        self.timestamp = timestamp
        self.level = level
        self.message = message
        self.source = source
        self.details = details
        self.key = key
        self.resolvedAt = resolvedAt
    }

    public var isActive: Bool { resolvedAt == nil }
}

/// What other subsystems report through `AlertCenter.raise(_:)`, each with its message, level and key.
public enum AlertEvent: Sendable, Equatable {
    case configReloadFailed(file: String, error: String)
    case configReloaded
    case diskAdded(device: String, model: String?)
    case diskRemoved(device: String)
    case diskNearlyFull(mountPoint: String, usage: Double)
    case jobFailed(id: String, kind: String, error: String)
    case serviceUnhealthy(name: String, reason: String)
    case serviceRecovered(name: String)
}
