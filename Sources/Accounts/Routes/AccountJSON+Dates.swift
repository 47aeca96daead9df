import FoundationEssentials

extension AccountJSON {
    /// An RFC 3339 date-time (`2027-01-01T00:00:00Z`, with or without fractional seconds, `Z` or an
    /// offset); nil for anything else.
    static func date(_ text: String) -> Date? {
        guard (10...64).contains(text.utf8.count) else { return nil }
        if let date = try? Date(text, strategy: .iso8601) { return date }
        return try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
