public import Core
import FoundationEssentials
import Store

/// Small conversions the catalog's answers share.
public enum CatalogJSON {
    /// Unix milliseconds as an RFC 3339 date-time; nil as null.
    /// Whole seconds in UTC (`2026-12-02T18:47:19Z`, as `Date.ISO8601FormatStyle` writes it), composed
    /// with integer arithmetic: a list of 50 movies has 200 of them.
    public static func time(_ milliseconds: Int64?) -> JSON {
        guard let milliseconds else { return .null }
        let seconds = milliseconds >= 0 ? milliseconds / 1000 : (milliseconds - 999) / 1000
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = Int(seconds - days * 86_400)
        let date = civilDate(days: days)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let year = date.year < 1000 ? String(repeating: "0", count: 4 - String(max(date.year, 0)).count) + String(max(date.year, 0)) : String(date.year)
        return .string(
            "\(year)-\(two(date.month))-\(two(date.day))T\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60))Z")
    }

    /// The proleptic Gregorian date `days` after 1970-01-01 (Howard Hinnant's civil-from-days).
    static func civilDate(days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = Int(days) + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// A column as JSON: text, integer, real or null.
    static func value(_ value: SQLValue) -> JSON {
        switch value {
        case .null, .blob: .null
        case .integer(let number): .int(number)
        case .real(let number): .double(number)
        case .text(let text): .string(text)
        }
    }

    /// A JSON array stored as text (`["en","de"]`); anything else is empty.
    static func strings(_ value: SQLValue) -> JSON {
        guard let text = value.stringValue, let parsed = try? JSON.decode(Array(text.utf8)), case .array = parsed else { return .array([]) }
        return parsed
    }
}
