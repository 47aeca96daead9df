import Core
import FoundationEssentials
import Testing

@testable import Monitor

#if canImport(Glibc)
    import Glibc
#endif

struct SystemReaderTests {
    @Test func readsTheCapturedTree() throws {
        let reader = SystemReader(root: Fixture.root)
        let first = try reader.sample()
        #expect(first.cpuUsage == 0)
        #expect(first.coreUsage == [0, 0])
        #expect(first.memory.totalBytes == 8_028_160 * 1024)
        #expect(first.load.one == 0.52)
        #expect(first.uptimeSeconds == 886_712.53)
        #expect(first.process.threads == 9)
        #expect(first.network.allSatisfy { $0.name != "lo" })
        #expect(first.mounts.map(\.mountPoint) == ["/"])
        // Whole disks only: no loop or device-mapper device, no partition (sysfs marks nvme0n1p1 one).
        #expect(first.disks.map(\.name) == ["nvme0n1", "sda"])
        #expect(
            Set(first.temperatures.map(\.label)) == [
                "acpitz", "x86_pkg_temp", "coretemp Package id 0", "coretemp Core 0", "nvme Composite",
            ])
        #expect(first.cpuTemperature == 55)
        // The same counters again: no time passed in the captured files, so rates stay 0.
        let second = try reader.sample()
        #expect(second.cpuUsage == 0)
        #expect(second.receivedBytesPerSecond == 0)
    }

    @Test func diskRatesAreBytesPerSecondOfWholeDisks() throws {
        let before = try DiskCounters.parse("   8       0 sda 10 0 2000 0 5 0 400 0 0 0 0\n", isWholeDisk: { _ in true })
        #expect(before == [DiskCounters(name: "sda", readBytes: 1_024_000, writtenBytes: 204_800)])
        let after = try DiskCounters.parse(
            "   8       0 sda 20 0 6000 0 5 0 400 0 0 0 0\n   8       1 sda1 20 0 6000 0 5 0 400 0 0 0 0\n   8      16 sdb 1 0 8 0 0 0 0 0 0 0 0\n",
            isWholeDisk: { $0 != "sda1" })
        let rates = DiskRate.rates(from: before, to: after, seconds: 2)
        #expect(rates == [
            DiskRate(name: "sda", readBytesPerSecond: 1_024_000, writtenBytesPerSecond: 0),
            DiskRate(name: "sdb", readBytesPerSecond: 0, writtenBytesPerSecond: 0),
        ])
        #expect(throws: ProcParseError.self) { try DiskCounters.parse("8 0 sda 1 2 x 4 5 6 7 8\n", isWholeDisk: { _ in true }) }
    }

    @Test func missingFileIsAnError() {
        let reader = SystemReader(root: "/nonexistent-monitor-root")
        #expect(throws: ProcParseError.self) { try reader.sample() }
    }

    /// The reader's figures against the test's own reading of the same files around it.
    @Test func agreesWithAnIndependentReadingOfProc() async throws {
        guard FileSystem.exists("/proc/stat") else {
            Issue.record("no /proc on this machine")
            return
        }
        let reader = SystemReader()
        let before = Independent.cpu()
        _ = try reader.sample()
        try await Task.sleep(for: .milliseconds(400))  // a sleep, not usleep: the pool's thread stays free
        let snapshot = try reader.sample()
        let after = Independent.cpu()
        let expected = Independent.busy(before, after)
        #expect(abs(snapshot.cpuUsage - expected) < 15, "sampler \(snapshot.cpuUsage) vs /proc \(expected)")
        #expect(snapshot.coreUsage.count == Independent.coreCount())

        let meminfo = Independent.meminfo()
        #expect(snapshot.memory.totalBytes == (meminfo["MemTotal"] ?? 0) * 1024)
        let available = Double((meminfo["MemAvailable"] ?? 0) * 1024)
        let availableDifference = abs(Double(snapshot.memory.availableBytes) - available)
        #expect(availableDifference < available * 0.1 + 67_108_864.0)

        let uptime = Double(Independent.firstField("/proc/uptime")) ?? 0
        #expect(abs(snapshot.uptimeSeconds - uptime) < 2)
        let load = Double(Independent.firstField("/proc/loadavg")) ?? -1
        #expect(abs(snapshot.load.one - load) < 1)

        let rss = Double((Independent.status()["VmRSS"] ?? 0) * 1024)
        let rssDifference = abs(Double(snapshot.process.residentBytes) - rss)
        #expect(rssDifference < rss * 0.25 + 8_388_608.0)

        for mount in snapshot.mounts {
            var info = statvfs()
            #expect(statvfs(mount.mountPoint, &info) == 0)
            let total = UInt64(info.f_blocks) * UInt64(info.f_frsize)
            #expect(mount.totalBytes == total, "\(mount.mountPoint)")
        }
        for interface in snapshot.network {
            #expect(interface.name != "lo")
        }
    }
}

/// A deliberately different, plain reading of `/proc` for comparison.
enum Independent {
    static func text(_ path: String) -> String { FileSystem.readIfPresent(path) ?? "" }

    static func cpu() -> (busy: Double, total: Double) {
        let line = text("/proc/stat").split(separator: "\n").first ?? ""
        let numbers = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard numbers.count >= 8 else { return (0, 0) }
        let total = numbers[0..<8].reduce(0, +)
        return (total - numbers[3] - numbers[4], total)
    }

    static func busy(_ a: (busy: Double, total: Double), _ b: (busy: Double, total: Double)) -> Double {
        b.total > a.total ? (b.busy - a.busy) / (b.total - a.total) * 100 : 0
    }

    static func coreCount() -> Int {
        text("/proc/stat").split(separator: "\n").filter { $0.hasPrefix("cpu") && !$0.hasPrefix("cpu ") }.count
    }

    static func keyed(_ path: String) -> [String: UInt64] {
        var result: [String: UInt64] = [:]
        for line in text(path).split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let number = parts[1].split(whereSeparator: \.isWhitespace).first.flatMap { UInt64($0) }
            if let number { result[String(parts[0])] = number }
        }
        return result
    }

    static func meminfo() -> [String: UInt64] { keyed("/proc/meminfo") }
    static func status() -> [String: UInt64] { keyed("/proc/self/status") }

    static func firstField(_ path: String) -> String {
        String(text(path).split(separator: " ").first ?? "")
    }
}
