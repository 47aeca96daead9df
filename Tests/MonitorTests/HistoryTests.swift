import Store
import Testing

@testable import Monitor
import TestSupport

struct HistoryTests {
    /// Three hours and a bit of one sample every 10 s, starting on an hour boundary.
    static let start: Int64 = 1_739_656_800

    static func feed(_ history: MetricsHistory, seconds: Range<Int64>) throws {
        for offset in stride(from: seconds.lowerBound, to: seconds.upperBound, by: 10) {
            // CPU equals the minute number inside the hour, so each minute and hour average is known.
            try history.record(point(start + offset, cpu: Double(offset % 3600 / 60), temperature: 50))
        }
    }

    @Test func minutesAndHoursAreWrittenAndSurviveARestart() throws {
        let directory = TemporaryDirectory()
        do {
            let database = try Database.openState(root: directory.path)
            let history = MetricsHistory(
                store: try SQLiteHistoryStore(database: database),
                retention: HistoryRetention(recentSeconds: 120))
            try Self.feed(history, seconds: 0..<(3600 + 120))
            // The ring holds only the last 120 samples.
            #expect(history.recent.count == 120)
            // Minutes are written ten at a time and when an hour ends: the hour's 60 are stored, the
            // minute after it is pending (a crash now would lose it) and a query sees it all the same.
            let store = try SQLiteHistoryStore(database: database)
            #expect(try store.points(.minute, from: Self.start, to: Self.start + 7200).count == 60)
            #expect(try history.query(from: Self.start + 3600, to: Self.start + 3660, resolution: 60).map(\.cpu) == [0])
            // A clean stop writes it.
            try history.flush()
        }
        // A new process: the same file, a fresh history.
        let database = try Database.openState(root: directory.path)
        let store = try SQLiteHistoryStore(database: database)
        let minutes = try store.points(.minute, from: Self.start, to: Self.start + 7200)
        #expect(minutes.count == 61)
        #expect(minutes.first?.cpu == 0)
        #expect(minutes[59].cpu == 59)
        #expect(minutes.last?.timestamp == Self.start + 3600)
        let hours = try store.points(.hour, from: Self.start, to: Self.start + 7200)
        #expect(hours.count == 1)
        #expect(hours.first?.cpu == 29.5)
        #expect(hours.first?.cpuMax == 59)
        #expect(hours.first?.temperature == 50)
        #expect(hours.first?.memoryTotalBytes == 1000)
        #expect(hours.first?.diskFreeBytes == 600)

        let restarted = MetricsHistory(store: store)
        let fiveMinutes = try restarted.query(from: Self.start, to: Self.start + 3600, resolution: 300)
        #expect(fiveMinutes.count == 12)
        #expect(fiveMinutes.first?.cpu == 2)
        #expect(fiveMinutes.last?.cpu == 57)
        let hourly = try restarted.query(from: Self.start, to: Self.start + 3600, resolution: 3600)
        #expect(hourly.map(\.cpu) == [29.5])
    }

    @Test func hourRowsCoverWhatMinutesNoLongerDo() throws {
        let directory = TemporaryDirectory()
        let database = try Database.openState(root: directory.path)
        let store = try SQLiteHistoryStore(database: database)
        try store.save(point(Self.start, cpu: 10), resolution: .hour)
        try store.save(point(Self.start + 3600, cpu: 20), resolution: .hour)
        try store.save(point(Self.start + 7200, cpu: 99), resolution: .hour)
        try store.save(point(Self.start + 7200, cpu: 30), resolution: .minute)
        try store.save(point(Self.start + 7260, cpu: 40), resolution: .minute)
        let history = MetricsHistory(store: store)
        let points = try history.query(from: Self.start, to: Self.start + 3 * 3600, resolution: 3600)
        #expect(points.map(\.cpu) == [10, 20, 35])
        #expect(try store.prune(.minute, before: Self.start + 7260) == 1)
        #expect(try store.prune(.hour, before: Self.start + 3600) == 1)
    }

    @Test func diskSpeedsAreStoredAndAveraged() throws {
        let directory = TemporaryDirectory()
        let store = try SQLiteHistoryStore(database: try Database.openState(root: directory.path))
        var first = point(Self.start, cpu: 10)
        first.diskRead = 1_000_000
        first.diskWritten = 300
        var second = point(Self.start + 60, cpu: 20)
        second.diskRead = 3_000_000
        second.diskWritten = 100
        for one in [first, second] { try store.save(one, resolution: .minute) }
        let read = try store.points(.minute, from: Self.start, to: Self.start + 120)
        #expect(read.map(\.diskRead) == [1_000_000, 3_000_000])
        #expect(read.map(\.diskWritten) == [300, 100])
        let hour = try #require(Downsampling.average(read, at: Self.start))
        #expect(hour.diskRead == 2_000_000 && hour.diskWritten == 200)
    }

    /// A database from before the two columns (dropped here to make one) gets them back when the store
    /// opens it, and keeps what it had; a new one has them from its migration, with nothing to add.
    @Test func anOlderDatabaseGetsTheMemoryTotalAndDiskFreeColumns() throws {
        let directory = TemporaryDirectory()
        let database = try Database.openState(root: directory.path)
        func columns(_ table: String) throws -> [String] {
            try database.query("PRAGMA table_info(\(table))").compactMap { $0.string("name") }
        }
        let tables = ["metrics_minute", "metrics_hour"]
        for table in tables { #expect(try columns(table).suffix(2) == ["memory_total", "disk_free"]) }
        try database.execute("INSERT INTO metrics_minute (ts, cpu) VALUES (?, ?)", [.integer(Self.start), .real(12)])
        for table in tables {
            for column in ["memory_total", "disk_free"] { try database.execute("ALTER TABLE \(table) DROP COLUMN \(column)") }
        }
        for table in tables { #expect(!(try columns(table)).contains("disk_free")) }

        let store = try SQLiteHistoryStore(database: database)
        for table in tables { #expect(try columns(table).suffix(2) == ["memory_total", "disk_free"]) }
        var later = point(Self.start + 60, cpu: 20)
        later.memoryTotalBytes = 8_000_000_000
        later.diskFreeBytes = 5_000_000
        try store.save(later, resolution: .minute)
        let read = try store.points(.minute, from: Self.start, to: Self.start + 120)
        #expect(read.map(\.cpu) == [12, 20])
        #expect(read.last?.memoryTotalBytes == 8_000_000_000 && read.last?.diskFreeBytes == 5_000_000)
    }

    @Test func recentSecondsComeFromTheRing() throws {
        let directory = TemporaryDirectory()
        let history = MetricsHistory(store: try SQLiteHistoryStore(database: try Database.openState(root: directory.path)))
        for second in Int64(0)..<30 { try history.record(point(Self.start + second, cpu: Double(second))) }
        let points = try history.query(from: Self.start, to: Self.start + 30, resolution: 10)
        #expect(points.map(\.cpu) == [4.5, 14.5, 24.5])
    }

    @Test func retentionIsBounded() {
        #expect(
            HistoryRetention(recentSeconds: 0, minuteDays: 0, hourDays: 0)
                == HistoryRetention(recentSeconds: 60, minuteDays: 1, hourDays: 1))
        #expect(
            HistoryRetention(recentSeconds: 1 << 40, minuteDays: 1000, hourDays: 100_000)
                == HistoryRetention(recentSeconds: 86_400, minuteDays: 90, hourDays: 3650))
    }
}
