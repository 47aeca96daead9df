/// The sampler's figures as Prometheus families (`applianced_*`), for `/metrics`.
public enum SnapshotExposition {
    public static func families(_ snapshot: MetricsSnapshot, alerts: [Alert] = []) -> [MetricFamily] {
        func gauge(_ name: String, _ help: String, _ samples: [MetricSample]) -> MetricFamily {
            MetricFamily(name: "applianced_\(name)", help: help, kind: .gauge, samples: samples)
        }
        func one(_ value: Double) -> [MetricSample] { [MetricSample(value: value)] }
        let memory = snapshot.memory
        var families = [
            gauge("cpu_usage_percent", "CPU busy share over the last sample, all cores", one(snapshot.cpuUsage)),
            gauge(
                "cpu_core_usage_percent", "CPU busy share over the last sample, per core",
                snapshot.coreUsage.enumerated().map { MetricSample(labels: [("core", String($0.offset))], value: $0.element) }),
            gauge("memory_total_bytes", "Physical memory", one(Double(memory.totalBytes))),
            gauge("memory_used_bytes", "Memory in use (total minus available)", one(Double(memory.usedBytes))),
            gauge("memory_available_bytes", "Memory available to new work", one(Double(memory.availableBytes))),
            gauge("memory_free_bytes", "Memory not used for anything", one(Double(memory.freeBytes))),
            gauge(
                "load_average", "Run-queue load average",
                [("1m", snapshot.load.one), ("5m", snapshot.load.five), ("15m", snapshot.load.fifteen)]
                    .map { MetricSample(labels: [("window", $0.0)], value: $0.1) }),
            gauge("uptime_seconds", "Seconds since the box booted", one(snapshot.uptimeSeconds)),
            gauge(
                "process_cpu_percent", "The daemon's CPU use over the last sample, percent of one core",
                one(snapshot.process.cpuPercent)),
            gauge("process_resident_memory_bytes", "The daemon's resident memory", one(Double(snapshot.process.residentBytes))),
            gauge("process_threads", "The daemon's threads", one(Double(snapshot.process.threads))),
            gauge(
                "temperature_celsius", "Temperature sensors",
                snapshot.temperatures.map { MetricSample(labels: [("sensor", $0.sensor), ("label", $0.label)], value: $0.celsius) }),
        ]
        func mountLabels(_ mount: MountUsage) -> [(String, String)] {
            [("mountpoint", mount.mountPoint), ("device", mount.device), ("fstype", mount.fileSystem)]
        }
        families += [
            gauge(
                "filesystem_size_bytes", "Filesystem size",
                snapshot.mounts.map { MetricSample(labels: mountLabels($0), value: Double($0.totalBytes)) }),
            gauge(
                "filesystem_used_bytes", "Filesystem space used",
                snapshot.mounts.map { MetricSample(labels: mountLabels($0), value: Double($0.usedBytes)) }),
            gauge(
                "filesystem_free_bytes", "Filesystem space free to unprivileged users",
                snapshot.mounts.map { MetricSample(labels: mountLabels($0), value: Double($0.freeBytes)) }),
            MetricFamily(
                name: "applianced_network_receive_bytes_total", help: "Bytes received since boot", kind: .counter,
                samples: snapshot.network.map { MetricSample(labels: [("interface", $0.name)], value: Double($0.receivedBytes)) }),
            MetricFamily(
                name: "applianced_network_transmit_bytes_total", help: "Bytes sent since boot", kind: .counter,
                samples: snapshot.network.map { MetricSample(labels: [("interface", $0.name)], value: Double($0.transmittedBytes)) }),
            gauge(
                "alerts_active", "Active alerts, by level",
                AlertLevel.allCases.map { level in
                    MetricSample(labels: [("level", level.rawValue)], value: Double(alerts.filter { $0.isActive && $0.level == level }.count))
                }),
        ]
        return families
    }
}
