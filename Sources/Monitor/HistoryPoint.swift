import FoundationEssentials

/// One point of metrics history: a second from the in-memory ring, or a minute or hour average from SQLite.
public struct HistoryPoint: Sendable, Equatable {
    /// Unix seconds at the start of the period the point covers.
    public var timestamp: Int64
    public var cpu: Double
    /// The highest CPU figure inside the period (equal to `cpu` for a single second).
    public var cpuMax: Double
    public var memory: Double
    public var memoryUsedBytes: Double
    public var memoryTotalBytes: Double
    public var disk: Double
    public var diskFreeBytes: Double
    public var temperature: Double?
    public var temperatureMax: Double?
    public var load1: Double
    /// Bytes per second, received and sent, all interfaces but loopback.
    public var networkReceived: Double
    public var networkTransmitted: Double
    /// Bytes per second read from and written to the whole disks.
    public var diskRead: Double
    public var diskWritten: Double

    public init(
        timestamp: Int64, cpu: Double, cpuMax: Double? = nil, memory: Double, memoryUsedBytes: Double,
        memoryTotalBytes: Double, disk: Double, diskFreeBytes: Double, temperature: Double?,
        temperatureMax: Double? = nil, load1: Double, networkReceived: Double, networkTransmitted: Double,
        diskRead: Double = 0, diskWritten: Double = 0
    ) {
        self.timestamp = timestamp
        self.cpu = cpu
        self.cpuMax = cpuMax ?? cpu
        self.memory = memory
        self.memoryUsedBytes = memoryUsedBytes
        self.memoryTotalBytes = memoryTotalBytes
        self.disk = disk
        self.diskFreeBytes = diskFreeBytes
        self.temperature = temperature
        self.temperatureMax = temperatureMax ?? temperature
        self.load1 = load1
        self.networkReceived = networkReceived
        self.networkTransmitted = networkTransmitted
        self.diskRead = diskRead
        self.diskWritten = diskWritten
    }

    /// The figures of one sample, stamped with its whole second.
    public init(_ snapshot: MetricsSnapshot) {
        let disk = snapshot.disk
        self.init(
            timestamp: Int64(snapshot.timestamp.timeIntervalSince1970.rounded(.down)), cpu: snapshot.cpuUsage,
            memory: snapshot.memory.usage, memoryUsedBytes: Double(snapshot.memory.usedBytes),
            memoryTotalBytes: Double(snapshot.memory.totalBytes), disk: disk.usage,
            diskFreeBytes: Double(disk.freeBytes), temperature: snapshot.cpuTemperature, load1: snapshot.load.one,
            networkReceived: snapshot.receivedBytesPerSecond, networkTransmitted: snapshot.transmittedBytesPerSecond,
            diskRead: snapshot.diskReadBytesPerSecond, diskWritten: snapshot.diskWrittenBytesPerSecond)
    }
}

/// The stored resolutions of history.
public enum HistoryResolution: Int64, Sendable, CaseIterable {
    case minute = 60
    case hour = 3600
}
