/// RFC 3339 dates and times as TOML 1.0 allows them: offset and local date-times, local dates and times.
enum TOMLDateTime {
    static func isDate(_ s: ArraySlice<UInt8>) -> Bool {
        let b = Array(s)
        return b.count == 10 && b[4] == UInt8(ascii: "-") && b[7] == UInt8(ascii: "-")
            && [0, 1, 2, 3, 5, 6, 8, 9].allSatisfy { TOMLParser.isDigit(b[$0]) }
    }

    static func number(_ b: [UInt8], _ at: Int, _ count: Int) -> Int? {
        guard at + count <= b.count else { return nil }
        var value = 0
        for c in b[at..<at + count] {
            guard TOMLParser.isDigit(c) else { return nil }
            value = value * 10 + Int(c - 0x30)
        }
        return value
    }

    /// The value, with its text normalised (`T` separator, upper-case `Z`), or nil when it is not valid.
    static func parse(_ token: [UInt8]) -> TOMLValue? {
        var b = token
        if b.count >= 10 && isDate(b[0..<10]) {
            guard let year = number(b, 0, 4), let month = number(b, 5, 2), let day = number(b, 8, 2),
                (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year)
            else { return nil }
            if b.count == 10 { return .localDate(String(decoding: b, as: UTF8.self)) }
            guard b.count > 11, [UInt8(ascii: "T"), UInt8(ascii: "t"), 0x20].contains(b[10]) else { return nil }
            b[10] = UInt8(ascii: "T")
            guard let end = timeEnd(b, 11) else { return nil }
            if end == b.count { return .localDateTime(String(decoding: b, as: UTF8.self)) }
            if end + 1 == b.count, b[end] == UInt8(ascii: "Z") || b[end] == UInt8(ascii: "z") {
                b[end] = UInt8(ascii: "Z")
                return .offsetDateTime(String(decoding: b, as: UTF8.self))
            }
            guard end + 6 == b.count, b[end] == UInt8(ascii: "+") || b[end] == UInt8(ascii: "-"), b[end + 3] == UInt8(ascii: ":"),
                let hour = number(b, end + 1, 2), let minute = number(b, end + 4, 2), hour <= 23, minute <= 59
            else { return nil }
            return .offsetDateTime(String(decoding: b, as: UTF8.self))
        }
        guard timeEnd(b, 0) == b.count else { return nil }
        return .localTime(String(decoding: b, as: UTF8.self))
    }

    /// `HH:MM:SS[.fraction]` at `start`; returns the offset after it.
    static func timeEnd(_ b: [UInt8], _ start: Int) -> Int? {
        guard start + 8 <= b.count, b[start + 2] == UInt8(ascii: ":"), b[start + 5] == UInt8(ascii: ":"),
            let hour = number(b, start, 2), let minute = number(b, start + 3, 2), let second = number(b, start + 6, 2),
            hour <= 23, minute <= 59, second <= 60
        else { return nil }
        var end = start + 8
        if end < b.count, b[end] == UInt8(ascii: ".") {
            end += 1
            let digitsStart = end
            while end < b.count, TOMLParser.isDigit(b[end]) { end += 1 }
            guard end > digitsStart else { return nil }
        }
        return end
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
