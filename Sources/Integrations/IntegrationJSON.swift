import Core
import FoundationEssentials

/// Small conversions the integration routes share.
enum IntegrationJSON {
    /// Unix milliseconds as an RFC 3339 date-time (whole seconds, UTC).
    static func time(_ milliseconds: Int64) -> JSON {
        .string(Date(timeIntervalSince1970: Double(milliseconds / 1000)).formatted(.iso8601))
    }

    /// An app's ISO 8601 time (`2024-11-20T10:17:15.6163483Z`) re-written as RFC 3339 in whole seconds,
    /// or nil when it does not parse.
    static func time(_ text: String?) -> JSON? {
        guard let text else { return nil }
        if let date = try? Date(text, strategy: .iso8601) { return .string(date.formatted(.iso8601)) }
        // Fractional seconds of any length: cut them off.
        if let dot = text.firstIndex(of: "."), text.hasSuffix("Z"), let date = try? Date(String(text[..<dot]) + "Z", strategy: .iso8601) {
            return .string(date.formatted(.iso8601))
        }
        return nil
    }

    /// Now, in Unix milliseconds.
    static func now() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }
}
