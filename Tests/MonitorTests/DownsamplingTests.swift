import Testing

@testable import Monitor

func point(_ timestamp: Int64, cpu: Double, memory: Double = 50, temperature: Double? = nil, rx: Double = 0) -> HistoryPoint {
    HistoryPoint(
        timestamp: timestamp, cpu: cpu, memory: memory, memoryUsedBytes: memory * 10, memoryTotalBytes: 1000,
        disk: 40, diskFreeBytes: 600, temperature: temperature, load1: cpu / 100, networkReceived: rx,
        networkTransmitted: rx / 2)
}

struct DownsamplingTests {
    @Test(arguments: [
        (Int64(0), Int64(60), Int64(0)), (59, 60, 0), (60, 60, 60), (119, 60, 60), (3661, 3600, 3600),
        (-1, 60, -60), (-60, 60, -60), (-61, 60, -120), (1_739_659_199, 300, 1_739_658_900),
    ])
    func bucketStart(timestamp: Int64, width: Int64, start: Int64) {
        #expect(Downsampling.bucketStart(timestamp, width: width) == start)
    }

    @Test func averageMeansFiguresAndKeepsMaxima() throws {
        let points = [
            point(60, cpu: 10, temperature: 40, rx: 100), point(61, cpu: 30, temperature: nil, rx: 300),
            point(62, cpu: 80, temperature: 50, rx: 200),
        ]
        let average = try #require(Downsampling.average(points, at: 60))
        #expect(average.timestamp == 60)
        #expect(average.cpu == 40)
        #expect(average.cpuMax == 80)
        #expect(average.temperature == 45)
        #expect(average.temperatureMax == 50)
        #expect(average.networkReceived == 200)
        #expect(average.networkTransmitted == 100)
        #expect(abs(average.load1 - 0.4) < 1e-12)
        #expect(Downsampling.average([], at: 0) == nil)
        #expect(Downsampling.average([point(0, cpu: 1)], at: 0)?.temperature == nil)
    }

    @Test(
        arguments: [
            // (cpu per second over 4 minutes, bucket width, expected averages)
            (Array(repeating: 10.0, count: 240), Int64(60), [10.0, 10, 10, 10]),
            ((0..<240).map { $0 < 120 ? 0.0 : 100 }, 120, [0, 100]),
            ((0..<240).map { Double($0 / 60) }, 60, [0, 1, 2, 3]),
            ((0..<240).map { Double($0 / 60) }, 300, [1.5]),
        ] as [([Double], Int64, [Double])])
    func resample(values: [Double], width: Int64, expected: [Double]) {
        let points = values.enumerated().map { point(Int64($0.offset), cpu: $0.element) }
        let result = Downsampling.resample(points.shuffled(), width: width)
        #expect(result.map(\.cpu) == expected)
        #expect(result.map(\.timestamp) == expected.indices.map { Int64($0) * width })
    }

    @Test func mergePrefersFinerData() {
        let hours = [point(0, cpu: 1), point(3600, cpu: 2), point(7200, cpu: 3)]
        let minutes = [point(7200, cpu: 30), point(7260, cpu: 31)]
        #expect(Downsampling.merge(coarse: hours, coarseWidth: 3600, fine: minutes).map(\.cpu) == [1, 2, 30, 31])
        #expect(Downsampling.merge(coarse: hours, coarseWidth: 3600, fine: []).map(\.cpu) == [1, 2, 3])
    }

    @Test(arguments: [
        ("1s", Int64(1)), ("30s", 30), ("5m", 300), ("1h", 3600), ("1d", 86_400), ("7d", 604_800),
    ])
    func resolution(text: String, seconds: Int64) {
        #expect(Downsampling.parseResolution(text) == seconds)
    }

    @Test(arguments: ["", "5", "m", "0m", "-5m", "5w", "8d", "1.5h", "5 m", "99999999999m"])
    func badResolution(text: String) {
        #expect(Downsampling.parseResolution(text) == nil)
    }
}
