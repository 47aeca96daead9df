import HTTP
import Core
import Monitor

/// Recommendations from the current figures: each rule names its figure, the line it crossed and what to do.
enum PerformanceAdvice {
    static func recommendations(
        snapshot: MetricsSnapshot, thresholds: AlertThresholds, database: [String: JSON]?,
        requestP95: Double?
    ) -> [JSON] {
        var list: [JSON] = []
        func add(_ id: String, _ category: String, _ priority: String, _ message: String, value: Double, line: Double) {
            list.append([
                "id": .string(id), "category": .string(category), "priority": .string(priority),
                "message": .string(message), "value": MonitoringJSON.round1(value), "threshold": .double(line),
            ])
        }
        func priority(_ value: Double, _ threshold: Threshold) -> String? {
            value >= threshold.critical ? "high" : value >= threshold.warning ? "medium" : nil
        }
        if let level = priority(snapshot.memory.usage, thresholds.memory) {
            add(
                "memory-pressure", "memory", level,
                "Memory is \(Int(snapshot.memory.usage)) % used: lower [workers] counts or thumbnail threads, or stop unused integrations",
                value: snapshot.memory.usage, line: thresholds.memory.warning)
        }
        if let level = priority(snapshot.cpuUsage, thresholds.cpu) {
            add(
                "cpu-busy", "cpu", level,
                "CPU is \(Int(snapshot.cpuUsage)) % busy: lower [workers] cpu_threads or schedule thumbnail jobs at night",
                value: snapshot.cpuUsage, line: thresholds.cpu.warning)
        }
        let load = snapshot.load.five
        if !snapshot.coreUsage.isEmpty, load > Double(snapshot.coreUsage.count) {
            add(
                "load-high", "cpu", "medium",
                "5-minute load \(load) exceeds the \(snapshot.coreUsage.count) cores: work is queueing for the CPU",
                value: load, line: Double(snapshot.coreUsage.count))
        }
        for mount in snapshot.mounts {
            if let level = priority(mount.usage, thresholds.disk) {
                add(
                    "disk-space:\(mount.mountPoint)", "disk", level,
                    "\(mount.mountPoint) is \(Int(mount.usage)) % full: free space or move media to another disk",
                    value: mount.usage, line: thresholds.disk.warning)
            }
        }
        if let temperature = snapshot.cpuTemperature, let level = priority(temperature, thresholds.temperature) {
            add(
                "temperature", "temperature", level,
                "CPU at \(Int(temperature)) °C: check the fan and airflow, or lower GPU/CPU worker counts",
                value: temperature, line: thresholds.temperature.warning)
        }
        if let p95 = requestP95, p95 > 0.5 {
            add(
                "slow-requests", "http", p95 > 2 ? "high" : "medium",
                "95 % of API requests take up to \(p95) s: look for slow integrations in the logs",
                value: p95, line: 0.5)
        }
        if let database {
            let wal = Double(database["walSizeBytes"]?.intValue ?? 0)
            if wal > 64 * 1024 * 1024 {
                add(
                    "database-wal", "database", "low",
                    "The database write-ahead log is \(Int(wal / 1_048_576)) MiB: POST /api/performance/optimize checkpoints it",
                    value: wal / 1_048_576, line: 64)
            }
        }
        return list
    }
}
