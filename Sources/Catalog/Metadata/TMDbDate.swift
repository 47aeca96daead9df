/// TMDb's dates (`release_date`, `air_date`): `YYYY-MM-DD`, or "" when unknown.
enum TMDbDate {
    /// The date when it has the `YYYY-MM-DD` shape; nil for "", null or anything else.
    static func day(_ value: String?) -> String? {
        guard let value, value.utf8.count == 10 else { return nil }
        let bytes = Array(value.utf8)
        for (index, byte) in bytes.enumerated() {
            let isDash = index == 4 || index == 7
            guard isDash ? byte == 0x2D : (0x30...0x39).contains(byte) else { return nil }
        }
        return value
    }

    /// The year of a `YYYY-MM-DD` date.
    static func year(_ value: String?) -> Int? {
        day(value).flatMap { Int($0.prefix(4)) }
    }
}
