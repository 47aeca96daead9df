public import FoundationEssentials

/// The daemon's own CPU and memory use over the last sampling interval.
public struct ProcessUsage: Sendable, Equatable {
    /// Percent of one core.
    public var cpuPercent: Double
    public var residentBytes: UInt64
    public var threads: Int
    /// Seconds since the process started.
    public var uptimeSeconds: Double

    public init(cpuPercent: Double, residentBytes: UInt64, threads: Int, uptimeSeconds: Double) {
        self.cpuPercent = cpuPercent
        self.residentBytes = residentBytes
        self.threads = threads
        self.uptimeSeconds = uptimeSeconds
    }
}

/// Everything one sample measured: what `/api/v1/metrics/current`, `/metrics` and history read.
public struct MetricsSnapshot: Sendable, Equatable {
    public var timestamp: Date
    /// Seconds the rates and percentages cover (the time since the previous sample).
    public var interval: Double
    public var cpuUsage: Double
    public var coreUsage: [Double]
    public var memory: MemoryInfo
    public var mounts: [MountUsage]
    public var network: [InterfaceRate]
    /// Whole disks' throughput (partitions, loop and device-mapper devices left out).
    public var disks: [DiskRate]
    public var temperatures: [TemperatureReading]
    public var load: LoadAverage
    public var uptimeSeconds: Double
    public var process: ProcessUsage

    public init(
        timestamp: Date, interval: Double, cpuUsage: Double, coreUsage: [Double], memory: MemoryInfo,
        mounts: [MountUsage], network: [InterfaceRate], disks: [DiskRate] = [], temperatures: [TemperatureReading],
        load: LoadAverage, uptimeSeconds: Double, process: ProcessUsage
    ) {
        self.timestamp = timestamp
        self.interval = interval
        self.cpuUsage = cpuUsage
        self.coreUsage = coreUsage
        self.memory = memory
        self.mounts = mounts
        self.network = network
        self.disks = disks
        self.temperatures = temperatures
        self.load = load
        self.uptimeSeconds = uptimeSeconds
        self.process = process
    }

    public var cpuTemperature: Double? { TemperatureReading.cpuTemperature(temperatures) }

    /// All real filesystems added up (each device once): the single "disk" figure 002 shows.
    public var disk: MountUsage {
        var total = MountUsage(mountPoint: "*", device: "*", fileSystem: "*", totalBytes: 0, usedBytes: 0, freeBytes: 0)
        for mount in mounts {
            total.totalBytes &+= mount.totalBytes
            total.usedBytes &+= mount.usedBytes
            total.freeBytes &+= mount.freeBytes
        }
        return total
    }

    public var receivedBytesPerSecond: Double { network.reduce(0) { $0 + $1.receivedBytesPerSecond } }
    public var transmittedBytesPerSecond: Double { network.reduce(0) { $0 + $1.transmittedBytesPerSecond } }
    public var receivedBytes: UInt64 { network.reduce(0) { $0 &+ $1.receivedBytes } }
    public var transmittedBytes: UInt64 { network.reduce(0) { $0 &+ $1.transmittedBytes } }
    public var diskReadBytesPerSecond: Double { disks.reduce(0) { $0 + $1.readBytesPerSecond } }
    public var diskWrittenBytesPerSecond: Double { disks.reduce(0) { $0 + $1.writtenBytesPerSecond } }
}
