import HTTP
public import Core
import FoundationEssentials
public import Monitor

/// The JSON shapes 002 documents for metrics, shared by the REST routes and the `/monitoring` WebSocket.
/// Memory and disk sizes are GiB and percentages are 0–100, both to one decimal; network speeds are Mbit/s,
/// disk speeds (ours: `read_speed`, `write_speed` of all whole disks) MB/s.
public enum MonitoringJSON {
    static let gib = 1024.0 * 1024 * 1024

    static func round1(_ value: Double) -> JSON { .double(value.isFinite ? (value * 10).rounded() / 10 : 0) }
    static func gigabytes(_ bytes: Double) -> JSON { round1(bytes / gib) }
    /// A load average as `/proc/loadavg` writes it: two decimals.
    static func round2(_ value: Double) -> JSON { .double(value.isFinite ? (value * 100).rounded() / 100 : 0) }

    /// `metrics.cpu|memory|disk` of `/metrics/current` plus `network` (the WebSocket `metrics` message's data).
    public static func current(_ snapshot: MetricsSnapshot, alerts: AlertCenter) -> JSON {
        current(snapshot, levels: Levels(snapshot, alerts: alerts))
    }

    /// The alert levels `current` shows: what, beside the sample, its answer depends on.
    struct Levels: Equatable, Sendable {
        var cpu, temperature, memory, disk: ThresholdLevel

        init(_ snapshot: MetricsSnapshot, alerts: AlertCenter) {
            cpu = alerts.level(of: "cpu")
            temperature = alerts.level(of: "temperature")
            memory = alerts.level(of: "memory")
            disk = snapshot.mounts.map { alerts.level(of: "disk:\($0.mountPoint)") }.max() ?? .normal
        }
    }

    static func current(_ snapshot: MetricsSnapshot, levels: Levels) -> JSON {
        let memory = snapshot.memory
        let disk = snapshot.disk
        let diskStatus = levels.disk
        let networkReceived = snapshot.receivedBytesPerSecond
        let networkSent = snapshot.transmittedBytesPerSecond
        return [
            "cpu": [
                "usage": round1(snapshot.cpuUsage),
                "status": .string(max(levels.cpu, levels.temperature).status),
                "temperature": snapshot.cpuTemperature.map(round1) ?? .null,
                "cores": .array(snapshot.coreUsage.map(round1)),
            ],
            "memory": [
                "usage": round1(memory.usage),
                "status": .string(levels.memory.status),
                "total": gigabytes(Double(memory.totalBytes)),
                "used": gigabytes(Double(memory.usedBytes)),
                "free": gigabytes(Double(memory.availableBytes)),
            ],
            "disk": [
                "usage": round1(disk.usage),
                "status": .string(diskStatus.status),
                "total": gigabytes(Double(disk.totalBytes)),
                "used": gigabytes(Double(disk.usedBytes)),
                "free": gigabytes(Double(disk.freeBytes)),
                "read_speed": round1(snapshot.diskReadBytesPerSecond / 1_000_000),
                "write_speed": round1(snapshot.diskWrittenBytesPerSecond / 1_000_000),
            ],
            "network": [
                "status": .string(snapshot.network.isEmpty ? "offline" : "healthy"),
                "download_speed": round1(networkReceived * 8 / 1_000_000),
                "upload_speed": round1(networkSent * 8 / 1_000_000),
                "total_downloaded": gigabytes(Double(snapshot.receivedBytes)),
                "total_uploaded": gigabytes(Double(snapshot.transmittedBytes)),
            ],
        ]
    }

    /// One entry of `/metrics/history`'s `metrics` array, plus ours: network and disk speeds, the 1-minute load.
    public static func historyPoint(_ point: HistoryPoint) -> JSON {
        [
            "timestamp": .string(Timestamp.format(Date(timeIntervalSince1970: Double(point.timestamp)))),
            "cpu": ["usage": round1(point.cpu), "temperature": point.temperature.map(round1) ?? .null],
            "memory": [
                "usage": round1(point.memory), "total": gigabytes(point.memoryTotalBytes),
                "used": gigabytes(point.memoryUsedBytes),
            ],
            "disk": [
                "usage": round1(point.disk), "free": gigabytes(point.diskFreeBytes), "read_speed": round1(point.diskRead / 1_000_000),
                "write_speed": round1(point.diskWritten / 1_000_000),
            ],
            "network": [
                "download_speed": round1(point.networkReceived * 8 / 1_000_000), "upload_speed": round1(point.networkTransmitted * 8 / 1_000_000),
            ],
            "load": [round2(point.load1)],
        ]
    }

    /// One alert as 002 lists it, plus whether it is still active and when it was resolved.
    public static func alert(_ alert: Alert) -> JSON {
        [
            "id": .string(alert.id),
            "timestamp": .string(Timestamp.format(alert.timestamp)),
            "level": .string(alert.level.rawValue),
            "message": .string(alert.message),
            "source": .string(alert.source),
            "details": alert.details,
            "active": .bool(alert.isActive),
            "resolvedAt": alert.resolvedAt.map { .string(Timestamp.format($0)) } ?? .null,
            "acknowledgedAt": alert.acknowledgedAt.map { .string(Timestamp.format($0)) } ?? .null,
            "acknowledgedBy": alert.acknowledgedBy.map { .string($0) } ?? .null,
        ]
    }

    static let alertSchema = Schema.object([
        "id": .string, "timestamp": .string, "level": .string, "message": .string, "source": .string, "details": .any,
        "active": .boolean, "resolvedAt": .nullable(.string), "acknowledgedAt": .nullable(.string), "acknowledgedBy": .nullable(.string),
    ])

    public static func log(_ entry: LogEntry) -> JSON {
        [
            "timestamp": .string(Timestamp.format(entry.timestamp)),
            "level": .string(LogRing.levelName(entry.level)),
            "message": .string(entry.message),
        ]
    }
}
