import Testing

@testable import Monitor

struct ParserTests {
    @Test func procStatFixture() throws {
        let text = try #require(ProcFileReader(root: Fixture.root).read("/proc/stat"))
        let stat = try CPUStat.parse(text)
        #expect(stat.cores.count == 2)
        #expect(
            stat.total
                == CPUTimes(
                    user: 31745, nice: 37, system: 17749, idle: 1357044, iowait: 2478, irq: 0,
                    softirq: 358, steal: 3229))
        #expect(stat.total.total == 31745 + 37 + 17749 + 1357044 + 2478 + 358 + 3229)
    }

    @Test(
        arguments: [
            // (earlier, later, expected busy %)
            (CPUTimes(user: 100, idle: 900), CPUTimes(user: 150, idle: 950), 50.0),
            (CPUTimes(user: 100, idle: 900), CPUTimes(user: 100, idle: 1000), 0.0),
            (CPUTimes(user: 100, system: 0, idle: 900), CPUTimes(user: 175, system: 25, idle: 900), 100.0),
            (CPUTimes(idle: 900, iowait: 0), CPUTimes(user: 10, idle: 980, iowait: 10), 10.0),
            (CPUTimes(user: 100, idle: 900), CPUTimes(user: 100, idle: 900), 0.0),
            // Counters that went backwards (a core taken offline) count as no time.
            (CPUTimes(user: 500, idle: 900), CPUTimes(user: 100, idle: 100), 0.0),
        ] as [(CPUTimes, CPUTimes, Double)])
    func cpuUsage(earlier: CPUTimes, later: CPUTimes, expected: Double) {
        #expect(abs(later.usage(since: earlier) - expected) < 1e-9)
    }

    @Test(arguments: [
        ("", "no aggregate 'cpu' line"),
        ("cpu0 1 2 3 4\n", "no aggregate 'cpu' line"),
        ("cpu 1 2 x 4\n", "'x' is not a counter"),
        ("cpu 1 2\n", "a cpu line needs at least 4 counters"),
    ])
    func procStatBad(text: String, reason: String) {
        #expect(throws: ProcParseError.self) { try CPUStat.parse(text) }
        do { _ = try CPUStat.parse(text) } catch { #expect(error.reason == reason) }
    }

    @Test func meminfoFixture() throws {
        let memory = try MemoryInfo.parse(try #require(ProcFileReader(root: Fixture.root).read("/proc/meminfo")))
        #expect(memory.totalBytes == 8_028_160 * 1024)
        #expect(memory.freeBytes == 402_812 * 1024)
        #expect(memory.availableBytes == 5_110_244 * 1024)
        #expect(memory.usedBytes == (8_028_160 - 5_110_244) * 1024)
        #expect(abs(memory.usage - Double(8_028_160 - 5_110_244) / 8_028_160 * 100) < 1e-9)
        #expect(memory.swapTotalBytes == 2_097_148 * 1024)
    }

    @Test(
        arguments: [
            ("MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 50 kB\nCached: 250 kB\n", 400 * 1024),
            ("MemTotal: 1000 kB\nMemFree: 100 kB\nMemAvailable: 700 kB\n", 700 * 1024),
        ] as [(String, UInt64)])
    func meminfoAvailable(text: String, available: UInt64) throws {
        #expect(try MemoryInfo.parse(text).availableBytes == available)
    }

    @Test(arguments: ["MemFree: 1 kB\n", "MemTotal: lots kB\nMemFree: 1 kB\n", "garbage\n", ""])
    func meminfoBad(text: String) {
        #expect(throws: ProcParseError.self) { try MemoryInfo.parse(text) }
    }

    @Test func netDevSkipsLoopbackAndHeaders() throws {
        let text = """
            Inter-|   Receive                                                |  Transmit
             face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
                lo: 1501430     685    0    0    0     0          0         0  1501430     685    0    0    0     0       0          0
              eth0: 578525594   11355    0    0    0     0          0         0   492095    5973    0    0    0     0       0          0
            wlan0:12 1 0 0 0 0 0 0 34 1 0 0 0 0 0 0
            """
        let interfaces = try InterfaceCounters.parse(text)
        #expect(
            interfaces == [
                InterfaceCounters(name: "eth0", receivedBytes: 578_525_594, transmittedBytes: 492_095),
                InterfaceCounters(name: "wlan0", receivedBytes: 12, transmittedBytes: 34),
            ])
        #expect(throws: ProcParseError.self) { try InterfaceCounters.parse("eth0: 1 2 3\n") }
    }

    @Test func networkRates() {
        let earlier = [
            InterfaceCounters(name: "eth0", receivedBytes: 1000, transmittedBytes: 500),
            InterfaceCounters(name: "eth1", receivedBytes: 900, transmittedBytes: 900),
        ]
        let later = [
            InterfaceCounters(name: "eth0", receivedBytes: 3000, transmittedBytes: 1500),
            InterfaceCounters(name: "eth1", receivedBytes: 10, transmittedBytes: 10),
            InterfaceCounters(name: "usb0", receivedBytes: 77, transmittedBytes: 0),
        ]
        let rates = InterfaceRate.rates(from: earlier, to: later, seconds: 2)
        #expect(rates.map(\.receivedBytesPerSecond) == [1000, 0, 0])
        #expect(rates.map(\.transmittedBytesPerSecond) == [500, 0, 0])
        #expect(rates.map(\.receivedBytes) == [3000, 10, 77])
    }

    @Test(arguments: [
        ("0.52 0.31 0.20 2/312 4821\n", LoadAverage(one: 0.52, five: 0.31, fifteen: 0.2, runnable: 2, tasks: 312)),
        ("12.00 8.50 4.25 17/1024 1", LoadAverage(one: 12, five: 8.5, fifteen: 4.25, runnable: 17, tasks: 1024)),
    ])
    func loadavg(text: String, expected: LoadAverage) throws {
        #expect(try LoadAverage.parse(text) == expected)
    }

    @Test(arguments: ["", "1 2", "a b c 1/2 3", "1 2 3 12 4"])
    func loadavgBad(text: String) {
        #expect(throws: ProcParseError.self) { try LoadAverage.parse(text) }
    }

    @Test func uptime() throws {
        #expect(try Uptime.parse("886712.53 3412908.11\n") == 886_712.53)
        #expect(throws: ProcParseError.self) { try Uptime.parse("soon") }
        #expect(throws: ProcParseError.self) { try Uptime.parse("") }
    }

    @Test(arguments: [
        (0.0, "0m"), (59.9, "0m"), (60, "1m"), (3599, "59m"), (3600, "1h 0m"), (16_200, "4h 30m"),
        (880_200, "10d 4h 30m"), (86_400, "1d 0h 0m"), (-5, "0m"), (Double.nan, "0m"),
    ])
    func uptimeFormat(seconds: Double, text: String) {
        #expect(Uptime.format(seconds: seconds) == text)
    }

    @Test func mountinfoKeepsRealFilesystemsOncePerDevice() throws {
        let mounts = try MountEntry.parse(try #require(ProcFileReader(root: Fixture.root).read("/proc/self/mountinfo")))
        #expect(mounts == [MountEntry(device: "254:0", mountPoint: "/", fileSystem: "ext4", source: "/dev/nvme0n1p2")])
    }

    @Test func mountinfoEscapesAndOptionalFields() throws {
        let text = """
            36 35 98:0 /mnt1 /mnt/media\\040disk rw,noatime master:1 shared:7 - ext3 /dev/sdb1 rw,errors=continue
            37 35 8:33 / /srv/usb rw - vfat /dev/sdc1 rw
            38 35 0:50 / /run/user/1000 rw - tmpfs tmpfs rw
            """
        let mounts = try MountEntry.parse(text)
        #expect(mounts.map(\.mountPoint) == ["/mnt/media disk", "/srv/usb"])
        #expect(mounts.map(\.fileSystem) == ["ext3", "vfat"])
        #expect(throws: ProcParseError.self) { try MountEntry.parse("36 35 98:0 / /mnt rw ext3 /dev/sdb1\n") }
    }

    @Test func mountUsageLikeDf() {
        let entry = MountEntry(device: "8:1", mountPoint: "/", fileSystem: "ext4", source: "/dev/sda1")
        // 1000 blocks of 4 KiB, 300 free of which 250 available to users (50 reserved).
        let usage = MountUsage(entry: entry, blockSize: 4096, blocks: 1000, blocksFree: 300, blocksAvailable: 250)
        #expect(usage.totalBytes == 4_096_000)
        #expect(usage.usedBytes == 700 * 4096)
        #expect(usage.freeBytes == 250 * 4096)
        #expect(abs(usage.usage - 700.0 / 950 * 100) < 1e-9)
    }

    @Test(arguments: [("47000\n", 47.0), ("-5500", -5.5), ("38850", 38.85)])
    func temperature(text: String, celsius: Double) throws {
        #expect(try TemperatureReading.parseMillidegrees(text, file: "temp") == celsius)
    }

    @Test(arguments: ["", "hot", "250000", "-100000"])
    func temperatureBad(text: String) {
        #expect(throws: ProcParseError.self) { try TemperatureReading.parseMillidegrees(text, file: "temp") }
    }

    @Test(
        arguments: [
            ([("thermal_zone0", "acpitz", 47.0), ("hwmon0/temp1", "coretemp Package id 0", 55)], 55.0),
            ([("thermal_zone0", "acpitz", 47.0), ("thermal_zone1", "x86_pkg_temp", 52)], 52.0),
            ([("hwmon1/temp1", "k10temp Tctl", 61.5), ("hwmon2/temp1", "nvme Composite", 70)], 61.5),
            ([("hwmon1/temp1", "nvme Composite", 38.0), ("hwmon2/temp1", "drivetemp", 41)], 41.0),
        ] as [([(String, String, Double)], Double)])
    func cpuTemperaturePicksThePackage(readings: [(String, String, Double)], expected: Double) {
        let values = readings.map { TemperatureReading(sensor: $0.0, label: $0.1, celsius: $0.2) }
        #expect(TemperatureReading.cpuTemperature(values) == expected)
        #expect(TemperatureReading.cpuTemperature([]) == nil)
    }

    @Test func processStatWithParenthesesInName() throws {
        let reader = ProcFileReader(root: Fixture.root)
        let stat = try ProcessStat.parse(
            stat: try #require(reader.read("/proc/self/stat")),
            status: try #require(reader.read("/proc/self/status")))
        #expect(stat == ProcessStat(cpuTicks: 200, startTicks: 88_012_345, residentBytes: 24_840 * 1024, threads: 9))
        let later = ProcessStat(cpuTicks: 250, startTicks: 88_012_345, residentBytes: 0, threads: 9)
        #expect(later.cpuPercent(since: stat, seconds: 10, ticksPerSecond: 100) == 5)
        #expect(throws: ProcParseError.self) { try ProcessStat.parse(stat: "1 (x S 1 2", status: "Threads: 1") }
        #expect(throws: ProcParseError.self) { try ProcessStat.parse(stat: "1 (x) S 1 2", status: "Threads: 1") }
    }
}
