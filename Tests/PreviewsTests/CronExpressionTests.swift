import Previews
import Testing

struct CronExpressionTests {
    /// Monday 2026-11-23 09:30:00 UTC.
    static let base: Int64 = 1_795_426_200

    @Test(arguments: [
        ("* * * * *", 0, 1_795_426_260 as Int64?),  // 09:31
        ("30 9 * * *", 0, 1_795_512_600),  // strictly after: tomorrow 09:30
        ("0 2 * * *", 0, 1_795_485_600),  // 2026-11-24 02:00
        ("0 * * * *", 0, 1_795_428_000),  // 10:00
        ("*/15 * * * *", 0, 1_795_427_100),  // 09:45
        ("0 9-17/3 * * *", 0, 1_795_435_200),  // 9,12,15 → 12:00
        ("0 0 1 * *", 0, 1_796_083_200),  // 2026-12-01
        ("0 0 * * thu", 0, 1_795_651_200),  // Thursday 2026-11-26
        ("0 0 27 * Thu", 0, 1_795_651_200),  // both day fields restricted: either matches
        ("0 0 27 * *", 0, 1_795_737_600),
        ("0 0 */5 * thu", 0, 1_795_651_200),  // "*/5" counts as unrestricted (Vixie): Thursdays on day 1,6,…,31 — 2026-11-26
        ("0 0 29 feb *", 0, 1_835_395_200),  // 2028-02-29
        ("0 0 1 JAN *", 0, 1_798_761_600),
        ("0 8 * * 1", 0, 1_796_025_600),  // next Monday 08:00
        ("0 11 * 11 mon-fri", 0, 1_795_431_600),
        ("0 0 * * 7", 0, 1_795_910_400),  // Sunday 2026-11-29, 7 = Sunday
        ("0 2 * * *", 3600, 1_795_482_000),  // 02:00 at UTC+1 = 01:00 UTC
        ("0 5 * * *", -18000, 1_795_428_000),  // 05:00 at UTC-5 = 10:00 UTC
        ("@daily", 0, 1_795_478_400),
        ("  0   2  *  *  * ", 0, 1_795_485_600),
    ])
    func nextFire(_ text: String, _ offset: Int, _ expected: Int64?) throws {
        let cron = try CronExpression(text)
        #expect(cron.nextFire(after: Self.base, utcOffsetSeconds: offset) == expected)
    }

    /// A schedule that can never fire is refused, naming the day-of-month field, instead of being stored silently.
    @Test(arguments: ["0 0 30 2 *", "0 0 31 4 *", "0 0 31 4,6,9,11 *", "0 0 30,31 feb *", "0 0 31 2-2 */2"])
    func neverFiringScheduleIsRefused(_ text: String) {
        let error = #expect(throws: CronError.self) { try CronExpression(text) }
        #expect(error?.field == "day-of-month")
        #expect(error?.message.hasPrefix("the schedule never fires") == true)
    }

    /// Rare is not never: 29 February (leap years), and both day fields restricted (a matching weekday is enough).
    @Test(arguments: ["0 0 29 2 *", "0 0 30 2 1", "0 0 31 1-4 *", "0 0 1-31 * *"])
    func rareSchedulesStillFire(_ text: String) throws {
        #expect(try CronExpression(text).nextFire(after: Self.base) != nil)
    }

    @Test func firesAgainAfterEachFire() throws {
        let cron = try CronExpression("0 */6 * * *")
        var time = Self.base
        var fires: [Int64] = []
        for _ in 0..<4 {
            guard let next = cron.nextFire(after: time) else { break }
            fires.append(next)
            time = next
        }
        #expect(fires == [1_795_435_200, 1_795_456_800, 1_795_478_400, 1_795_500_000])
    }

    @Test(arguments: [
        ("60 * * * *", "minute"), ("* 24 * * *", "hour"), ("* * 0 * *", "day-of-month"), ("* * * 13 *", "month"),
        ("* * * * 8", "day-of-week"), ("*/0 * * * *", "minute"), ("5-1 * * * *", "minute"), ("* * * foo *", "month"),
        ("* * * * mon-", "day-of-week"), ("1,,2 * * * *", "minute"), ("* x * * *", "hour"), ("1/2/3 * * * *", "minute"),
    ])
    func namesTheBadField(_ text: String, _ field: String) {
        #expect {
            try CronExpression(text)
        } throws: { error in
            (error as? CronError)?.field == field && "\(error)".hasPrefix(field + " field: ")
        }
    }

    @Test(arguments: ["", "* * * *", "* * * * * *", String(repeating: "*", count: 300)])
    func rejectsWrongShape(_ text: String) {
        #expect { try CronExpression(text) } throws: { ($0 as? CronError)?.field == nil }
    }
}
