/// One of the five cron fields: its name, range and the names it accepts.
struct CronField {
    let name: String
    let range: ClosedRange<Int>
    let names: [String]
    let nameBase: Int

    static let minute = CronField(name: "minute", range: 0...59, names: [], nameBase: 0)
    static let hour = CronField(name: "hour", range: 0...23, names: [], nameBase: 0)
    static let dayOfMonth = CronField(name: "day-of-month", range: 1...31, names: [], nameBase: 0)
    static let month = CronField(
        name: "month", range: 1...12,
        names: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], nameBase: 1)
    static let dayOfWeek = CronField(name: "day-of-week", range: 0...7, names: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"], nameBase: 0)

    /// The set of values `text` selects: comma-separated items, each `*`, `N`, `N-M`, optionally `/step`.
    func parse(_ text: String) throws(CronError) -> Set<Int> {
        var values = Set<Int>()
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard !item.isEmpty else { throw error("empty list item in '\(text)'") }
            let pieces = item.split(separator: "/", omittingEmptySubsequences: false)
            guard pieces.count <= 2 else { throw error("'\(item)' has more than one '/'") }
            var step = 1
            if pieces.count == 2 {
                guard let parsed = Int(pieces[1]), parsed >= 1, parsed <= range.upperBound else {
                    throw error("step '\(pieces[1])' must be a number in 1...\(range.upperBound)")
                }
                step = parsed
            }
            let base = pieces[0]
            var low: Int, high: Int
            if base == "*" {
                (low, high) = (range.lowerBound, range.upperBound)
            } else if let dash = base.firstIndex(of: "-") {
                low = try value(base[..<dash])
                high = try value(base[base.index(after: dash)...])
                guard low <= high else { throw error("range '\(base)' runs backwards") }
            } else {
                low = try value(base)
                // "N/step" means N through the end of the range, as in Vixie cron.
                high = pieces.count == 2 ? range.upperBound : low
            }
            for v in stride(from: low, through: high, by: step) { values.insert(v) }
        }
        return values
    }

    private func value(_ text: Substring) throws(CronError) -> Int {
        if let number = Int(text) {
            guard range.contains(number) else { throw error("value \(number) is outside \(range.lowerBound)-\(range.upperBound)") }
            return number
        }
        if let index = names.firstIndex(of: text.lowercased()) { return index + nameBase }
        throw error("'\(text)' is not a number\(names.isEmpty ? "" : " or a name (\(names.first ?? "")…\(names.last ?? ""))")")
    }

    private func error(_ message: String) -> CronError { CronError(field: name, message: message) }
}

/// Proleptic Gregorian dates ↔ days since 1970-01-01 (Howard Hinnant's algorithms).
enum CivilDate {
    static func days(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func fromDays(_ days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = days + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = Int(doy - (153 * mp + 2) / 5 + 1)
        let month = Int(mp < 10 ? mp + 3 : mp - 9)
        let year = Int(yoe + era * 400) + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }
}
