import Core
import FoundationEssentials
import Store

/// Small conversions the catalog's answers share.
enum CatalogJSON {
    /// Unix milliseconds as an RFC 3339 date-time; nil as null.
    static func time(_ milliseconds: Int64?) -> JSON {
        guard let milliseconds else { return .null }
        return .string(Date(timeIntervalSince1970: Double(milliseconds) / 1000).formatted(.iso8601))
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
