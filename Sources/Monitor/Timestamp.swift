public import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// ISO 8601 timestamps as the API documents them ("2025-02-15T22:45:00Z"), and the parsing of query
/// parameters that may be ISO 8601 (with a fraction or offset), a date alone, or Unix seconds.
public enum Timestamp {
    public static func format(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let year = Int(parts.tm_year) + 1900
        let yearText = year < 1000 ? String(repeating: "0", count: 4 - String(year).count) + String(year) : String(year)
        return "\(yearText)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
    }

    /// Nil for anything that is not a timestamp between 1970 and 9999.
    public static func parse(_ text: String) -> Date? {
        guard !text.isEmpty, text.count <= 40 else { return nil }
        if let seconds = Double(text), seconds.isFinite, seconds >= 0, seconds < 253_402_300_800 {
            return Date(timeIntervalSince1970: seconds)
        }
        let bytes = Array(text.utf8)
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[from..<(from + count)] {
                guard byte >= 48 && byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard let year = number(0, 4), bytes.count >= 10, bytes[4] == 45, let month = number(5, 2), bytes[7] == 45,
            let day = number(8, 2), (1...12).contains(month), (1...31).contains(day), year >= 1970
        else { return nil }
        var hour = 0, minute = 0, second = 0
        var fraction = 0.0
        var offset = 0
        var index = 10
        if index < bytes.count {
            guard bytes[index] == 84 || bytes[index] == 116 || bytes[index] == 32, let h = number(11, 2), bytes.count > 13,
                bytes[13] == 58, let m = number(14, 2), h < 24, m < 60
            else { return nil }
            hour = h
            minute = m
            index = 16
            if index < bytes.count, bytes[index] == 58 {
                guard let s = number(17, 2), s < 61 else { return nil }
                second = s
                index = 19
                if index < bytes.count, bytes[index] == 46 || bytes[index] == 44 {
                    var end = index + 1
                    while end < bytes.count, bytes[end] >= 48 && bytes[end] <= 57 { end += 1 }
                    guard end > index + 1, let value = Double("0." + String(decoding: bytes[(index + 1)..<end], as: UTF8.self))
                    else { return nil }
                    fraction = value
                    index = end
                }
            }
            if index < bytes.count {
                if bytes[index] == 90 || bytes[index] == 122 {
                    index += 1
                } else if bytes[index] == 43 || bytes[index] == 45 {
                    let sign = bytes[index] == 45 ? -1 : 1
                    guard let oh = number(index + 1, 2), oh < 24 else { return nil }
                    var om = 0
                    index += 3
                    if index < bytes.count {
                        if bytes[index] == 58 { index += 1 }
                        guard let value = number(index, 2), value < 60 else { return nil }
                        om = value
                        index += 2
                    }
                    // "+02:00" means local time is ahead of UTC: subtract it.
                    offset = sign * (oh * 3600 + om * 60)
                }
            }
            guard index == bytes.count else { return nil }
        }
        var parts = tm()
        parts.tm_year = Int32(year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        let base = timegm(&parts)
        guard base >= 0 else { return nil }
        return Date(timeIntervalSince1970: Double(base) + fraction - Double(offset))
    }
}
