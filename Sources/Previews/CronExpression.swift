/// A five-field cron schedule (minute hour day-of-month month day-of-week) as Vixie cron reads it:
/// `*`, lists, ranges, steps, month and weekday names, 0 or 7 for Sunday, and the rule that when both
/// day fields are restricted a day matching either one fires.
public struct CronExpression: Sendable, Equatable, CustomStringConvertible {
    public let minutes: Set<Int>
    public let hours: Set<Int>
    public let daysOfMonth: Set<Int>
    public let months: Set<Int>
    /// 0 = Sunday … 6 = Saturday (7 is folded onto 0).
    public let daysOfWeek: Set<Int>
    let dayOfMonthRestricted: Bool
    let dayOfWeekRestricted: Bool
    public let description: String

    /// The longest expression accepted.
    public static let maximumLength = 256

    private static let aliases: [String: String] = [
        "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *",
        "@weekly": "0 0 * * 0", "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
    ]

    public init(_ text: String) throws(CronError) {
        guard text.utf8.count <= Self.maximumLength else { throw CronError(field: nil, message: "longer than \(Self.maximumLength) characters") }
        let trimmed = text.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
        let expanded = Self.aliases[trimmed.lowercased()] ?? trimmed
        let parts = expanded.split(separator: " ").map(String.init)
        guard parts.count == 5 else {
            throw CronError(field: nil, message: "expected 5 fields (minute hour day-of-month month day-of-week), found \(parts.count)")
        }
        minutes = try CronField.minute.parse(parts[0])
        hours = try CronField.hour.parse(parts[1])
        daysOfMonth = try CronField.dayOfMonth.parse(parts[2])
        months = try CronField.month.parse(parts[3])
        daysOfWeek = Set(try CronField.dayOfWeek.parse(parts[4]).map { $0 % 7 })
        dayOfMonthRestricted = !parts[2].hasPrefix("*")
        dayOfWeekRestricted = !parts[4].hasPrefix("*")
        description = trimmed
        // With both day fields restricted a matching weekday is enough, and every weekday comes round. Otherwise a day
        // must exist in one of the months (30 February never does); any date that exists falls on every weekday in turn.
        if !(dayOfMonthRestricted && dayOfWeekRestricted) {
            let possible = months.contains { month in daysOfMonth.contains { $0 <= Self.longestMonth[month - 1] } }
            guard possible else {
                let names = months.sorted().map { Self.monthNames[$0 - 1] }.joined(separator: ", ")
                throw CronError(
                    field: "day-of-month",
                    message: "the schedule never fires: no day in '\(parts[2])' exists in \(names)")
            }
        }
    }

    /// Days in each month in its longest year (February has 29 in a leap year).
    static let longestMonth = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    static let monthNames = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
    ]

    /// Whether the schedule fires on this local calendar day.
    func matchesDay(day: Int, weekday: Int) -> Bool {
        let domMatch = daysOfMonth.contains(day)
        let dowMatch = daysOfWeek.contains(weekday)
        if dayOfMonthRestricted && dayOfWeekRestricted { return domMatch || dowMatch }
        return domMatch && dowMatch
    }

    /// The first minute strictly after `unixSeconds` at which the schedule fires, read in local time
    /// `utcOffsetSeconds` east of UTC; nil when it never fires (e.g. `0 0 30 2 *`).
    public func nextFire(after unixSeconds: Int64, utcOffsetSeconds: Int = 0) -> Int64? {
        let offset = Int64(utcOffsetSeconds)
        // Local minutes since the epoch, starting at the next whole minute.
        var minute = Self.floorDiv(unixSeconds + offset, 60) + 1
        // Every pattern repeats within 28 years (the weekday/leap-year cycle); 29 bounds the search.
        let limit = minute + 29 * 366 * 1440
        while minute < limit {
            let dayNumber = Self.floorDiv(minute, 1440)
            let (year, month, day) = CivilDate.fromDays(dayNumber)
            if !months.contains(month) {
                let (nextYear, nextMonth) = month == 12 ? (year + 1, 1) : (year, month + 1)
                minute = CivilDate.days(year: nextYear, month: nextMonth, day: 1) * 1440
                continue
            }
            let weekday = Int((dayNumber % 7 + 11) % 7)  // 1970-01-01 was a Thursday (4)
            if !matchesDay(day: day, weekday: weekday) {
                minute = (dayNumber + 1) * 1440
                continue
            }
            let minuteOfDay = Int(minute - dayNumber * 1440)
            if !hours.contains(minuteOfDay / 60) {
                minute = dayNumber * 1440 + Int64(minuteOfDay / 60 + 1) * 60
                continue
            }
            if !minutes.contains(minuteOfDay % 60) {
                minute += 1
                continue
            }
            return minute * 60 - offset
        }
        return nil
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        a >= 0 ? a / b : -((-a + b - 1) / b)
    }
}

/// A cron expression that cannot be read, naming the field at fault.
public struct CronError: Error, CustomStringConvertible, Equatable, Sendable {
    /// "minute", "hour", "day-of-month", "month" or "day-of-week"; nil for the whole expression.
    public let field: String?
    public let message: String

    public var description: String {
        field.map { "\($0) field: \(message)" } ?? "cron expression: \(message)"
    }
}
