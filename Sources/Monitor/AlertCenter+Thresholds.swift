public import Core
public import FoundationEssentials

extension AlertCenter {
    /// Checks one sample against the thresholds: each figure moves between normal, warning and critical
    /// with hysteresis, and an alert is raised on the way up and cleared back at normal.
    public func evaluate(_ snapshot: MetricsSnapshot) {
        let thresholds = settings.thresholds
        check(
            "cpu", value: snapshot.cpuUsage, threshold: thresholds.cpu, hysteresis: thresholds.hysteresis,
            time: snapshot.timestamp
        ) { "CPU usage at \(Self.format($0)) %" }
        check(
            "memory", value: snapshot.memory.usage, threshold: thresholds.memory,
            hysteresis: thresholds.hysteresis, time: snapshot.timestamp
        ) { "Memory usage at \(Self.format($0)) %" }
        if let temperature = snapshot.cpuTemperature {
            check(
                "temperature", value: temperature, threshold: thresholds.temperature,
                hysteresis: thresholds.hysteresis, time: snapshot.timestamp
            ) { "CPU temperature at \(Self.format($0)) °C" }
        }
        for mount in snapshot.mounts {
            check(
                "disk:\(mount.mountPoint)", value: mount.usage, threshold: thresholds.disk,
                hysteresis: thresholds.hysteresis, time: snapshot.timestamp,
                details: ["mount": .string(mount.mountPoint), "device": .string(mount.device)]
            ) {
                "Disk \(mount.mountPoint) nearly full: \(Self.format($0)) % used"
            }
        }
    }

    /// Moves one figure's level and raises or clears its alert. Public so that tests and subsystems
    /// with their own figures use the same hysteresis.
    public func check(
        _ figure: String, value: Double, threshold: Threshold, hysteresis: Double, time: Date = Date(),
        details: [String: JSON] = [:], message: (Double) -> String
    ) {
        let (previous, next) = updateLevel(figure) { current in
            ThresholdLevel.next(from: current, value: value, threshold: threshold, hysteresis: hysteresis)
        }
        guard previous != next else { return }
        if next == .normal {
            clear(key: figure, at: time)
            return
        }
        var body = details
        body["value"] = .double((value * 10).rounded() / 10)
        body["threshold"] = .double(next == .critical ? threshold.critical : threshold.warning)
        raise(
            next == .critical ? .error : .warning, message(value), source: "monitor", details: .object(body),
            key: figure, at: time)
    }

    /// Raises (or clears) the alert another subsystem reports.
    @discardableResult
    public func raise(_ event: AlertEvent, at time: Date = Date()) -> Alert? {
        switch event {
        case .configReloadFailed(let file, let error):
            return raise(
                .error, "Config reload failed: \(error)", source: "config",
                details: ["file": .string(file), "error": .string(error)], key: "config:reload", at: time)
        case .configReloaded:
            clear(key: "config:reload", at: time)
            return nil
        case .diskAdded(let device, let model):
            return raise(
                .info, "Disk \(device) added", source: "hardware",
                details: ["device": .string(device), "model": JSON(model)], at: time)
        case .diskRemoved(let device):
            return raise(
                .warning, "Disk \(device) removed", source: "hardware", details: ["device": .string(device)],
                at: time)
        case .diskNearlyFull(let mountPoint, let usage):
            return raise(
                .warning, "Disk \(mountPoint) nearly full: \(Self.format(usage)) % used", source: "hardware",
                details: ["mount": .string(mountPoint), "value": .double(usage)], key: "disk:\(mountPoint)",
                at: time)
        case .jobFailed(let id, let kind, let error):
            return raise(
                .error, "Job \(id) (\(kind)) failed: \(error)", source: "jobs",
                details: ["job": .string(id), "kind": .string(kind), "error": .string(error)], at: time)
        case .serviceUnhealthy(let name, let reason):
            return raise(
                .error, "Service \(name) is unhealthy: \(reason)", source: "services",
                details: ["service": .string(name), "reason": .string(reason)], key: "service:\(name)",
                at: time)
        case .serviceRecovered(let name):
            clear(key: "service:\(name)", at: time)
            return nil
        }
    }

    static func format(_ value: Double) -> String {
        let tenths = (value * 10).rounded()
        return tenths.truncatingRemainder(dividingBy: 10) == 0 ? "\(Int(tenths / 10))" : "\(tenths / 10)"
    }
}
