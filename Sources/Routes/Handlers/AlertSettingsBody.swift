public import HTTP
public import Config
public import Core
public import Monitor

/// Reads and writes 002's `POST /alerts/settings` body: `thresholds` (cpu, memory, disk, and also
/// temperature) and `notifications` (email, desktop, minLevel). Keys left out keep their value.
public enum AlertSettingsBody {
    public static func apply(_ body: JSON, to current: AlertSettings) throws(HTTPError) -> AlertSettings {
        guard case .object(let members) = body else { throw HTTPError.badRequest("Body must be a JSON object") }
        let known: Set<String> = ["thresholds", "notifications"]
        if let unknown = members.keys.sorted().first(where: { !known.contains($0) }) {
            throw HTTPError.badRequest("Unknown field '\(unknown)'", detail: "Known: thresholds, notifications")
        }
        var settings = current
        if let thresholds = members["thresholds"] {
            guard case .object(let figures) = thresholds else { throw HTTPError.badRequest("'thresholds' must be an object") }
            for (name, value) in figures {
                guard case .object(let lines) = value else { throw HTTPError.badRequest("'thresholds.\(name)' must be an object") }
                var threshold: Threshold
                switch name {
                case "cpu": threshold = settings.thresholds.cpu
                case "memory": threshold = settings.thresholds.memory
                case "disk": threshold = settings.thresholds.disk
                case "temperature": threshold = settings.thresholds.temperature
                default: throw HTTPError.badRequest("Unknown threshold '\(name)'", detail: "Known: cpu, memory, disk, temperature")
                }
                for (line, number) in lines {
                    // The config keeps whole percent and degrees; a fraction would be answered but not kept.
                    guard let number = number.doubleValue, number.isFinite, number.rounded() == number else {
                        throw HTTPError.badRequest("Invalid value for 'thresholds.\(name).\(line)': must be a whole number")
                    }
                    switch line {
                    case "warning": threshold.warning = number
                    case "critical": threshold.critical = number
                    default: throw HTTPError.badRequest("Unknown field 'thresholds.\(name).\(line)'", detail: "Known: warning, critical")
                    }
                }
                switch name {
                case "cpu": settings.thresholds.cpu = threshold
                case "memory": settings.thresholds.memory = threshold
                case "disk": settings.thresholds.disk = threshold
                default: settings.thresholds.temperature = threshold
                }
            }
        }
        if let notifications = members["notifications"] {
            guard case .object(let fields) = notifications else { throw HTTPError.badRequest("'notifications' must be an object") }
            for (name, value) in fields {
                switch name {
                case "email", "desktop":
                    guard let flag = value.boolValue else { throw HTTPError.badRequest("'notifications.\(name)' must be true or false") }
                    if name == "email" { settings.notifications.email = flag } else { settings.notifications.desktop = flag }
                case "minLevel":
                    guard let level = value.stringValue.flatMap(AlertLevel.init(name:)) else {
                        throw HTTPError.badRequest("'notifications.minLevel' must be info, warning or error")
                    }
                    settings.notifications.minLevel = level
                default:
                    throw HTTPError.badRequest("Unknown field 'notifications.\(name)'", detail: "Known: email, desktop, minLevel")
                }
            }
        }
        // Ranges and order are the store's to check (the config's schema, the same as for a hand edit of `[alerts]`).
        return settings
    }

    /// The body's schema: every member optional in a request, all present in the answer.
    static let schema: Schema = {
        // Whole percent and degrees, as the config keeps them; ranges and order are the config schema's.
        let line = Schema.object([:], optional: ["warning": .integer, "critical": .integer], closed: true)
        return .object(
            [:],
            optional: [
                "thresholds": .object([:], optional: ["cpu": line, "memory": line, "disk": line, "temperature": line], closed: true),
                "notifications": .object(
                    [:], optional: ["email": .boolean, "desktop": .boolean, "minLevel": .oneOf(["info", "warning", "error"])],
                    closed: true),
            ], closed: true)
    }()

    /// The body field a config key is written from, for answers that name the field.
    public static let fields: [String: String] = {
        var fields: [String: String] = [
            "alerts.notify_email": "notifications.email", "alerts.notify_desktop": "notifications.desktop",
            "alerts.min_level": "notifications.minLevel",
        ]
        for (name, unit) in [("cpu", "percent"), ("memory", "percent"), ("disk", "percent"), ("temperature", "c")] {
            for line in ["warning", "critical"] { fields["alerts.\(name)_\(line)_\(unit)"] = "thresholds.\(name).\(line)" }
        }
        return fields
    }()

    /// The answer to alert settings the config refused: the same checks as a hand edit of `[alerts]` (one validator),
    /// a 400 naming the body field and the config key, no server path.
    public static func httpError(_ error: ConfigWriteError, store: ConfigStore) -> HTTPError {
        let answer = SettingsRoutes.httpError(error, store: store)
        let key: String?
        switch error {
        case .invalidValue(let name, _): key = name
        case .rejected(let issues): key = issues.first?.key
        default: key = nil
        }
        guard answer.status == 400, let key, let field = fields[key] else { return answer }
        let reason: String
        switch error {
        case .invalidValue(_, let message): reason = message
        case .rejected(let issues): reason = issues.first?.message ?? answer.message
        default: reason = answer.message
        }
        return HTTPError(status: 400, code: answer.code, message: "Invalid value for '\(field)': \(reason)", detail: answer.detail)
    }

    /// The settings in the body's own shape.
    public static func json(_ settings: AlertSettings) -> [String: JSON] {
        func line(_ threshold: Threshold) -> JSON { ["warning": .double(threshold.warning), "critical": .double(threshold.critical)] }
        let thresholds = settings.thresholds
        return [
            "thresholds": [
                "cpu": line(thresholds.cpu), "memory": line(thresholds.memory), "disk": line(thresholds.disk),
                "temperature": line(thresholds.temperature),
            ],
            "notifications": [
                "email": .bool(settings.notifications.email), "desktop": .bool(settings.notifications.desktop),
                "minLevel": .string(settings.notifications.minLevel.rawValue),
            ],
        ]
    }
}
