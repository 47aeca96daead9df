import FoundationEssentials
import HTTP

/// The query string of an activity listing: filters (003's names, with `since`/`until` as aliases of
/// `start_time`/`end_time`) and paging by `limit` with `offset` or `page`. A bad value is a 400 naming
/// the parameter.
struct ActivityQuery: Sendable {
    static let maximumOffset: Int64 = 1_000_000

    var filter = ActivityFilter()
    var limit = 50
    var offset = 0

    /// `filters` false reads only the paging (the per-user and per-resource routes filter by path).
    init(_ query: [String: String], filters: Bool) throws(HTTPError) {
        limit = try Self.integer(query, "limit", in: 1...100) ?? 50
        let offset = try Self.integer(query, "offset", in: 0...Int(Self.maximumOffset))
        let page = try Self.integer(query, "page", in: 1...Int(Self.maximumOffset))
        if offset != nil, page != nil { throw HTTPError.badRequest("Give offset or page, not both", detail: "page") }
        self.offset = offset ?? page.map { ($0 - 1) * limit } ?? 0
        guard self.offset <= Int(Self.maximumOffset) else { throw HTTPError.badRequest("Parameter 'page' is too large", detail: "page") }
        guard filters else { return }
        filter.userID = try Self.text(query, "user_id", maxBytes: 64)
        filter.action = try Self.text(query, "action", maxBytes: 64)
        filter.resourceType = try Self.text(query, "resource_type", maxBytes: 64)
        filter.resourceID = try Self.text(query, "resource_id", maxBytes: 255)
        switch query["success"] {
        case nil: break
        case "true", "1": filter.success = true
        case "false", "0": filter.success = false
        default: throw HTTPError.badRequest("Parameter 'success' must be true or false", detail: "success")
        }
        filter.since = try Self.date(query, "since", alias: "start_time")
        filter.until = try Self.date(query, "until", alias: "end_time")
        if let since = filter.since, let until = filter.until, until < since {
            throw HTTPError.badRequest("The end of the window is before its start", detail: "until")
        }
    }

    static func integer(_ query: [String: String], _ name: String, in range: ClosedRange<Int>) throws(HTTPError) -> Int? {
        guard let text = query[name] else { return nil }
        guard text.utf8.count <= 12, let value = Int(text), range.contains(value) else {
            throw HTTPError.badRequest("Parameter '\(name)' must be an integer from \(range.lowerBound) to \(range.upperBound)", detail: name)
        }
        return value
    }

    static func text(_ query: [String: String], _ name: String, maxBytes: Int) throws(HTTPError) -> String? {
        guard let text = query[name] else { return nil }
        guard (1...maxBytes).contains(text.utf8.count), text.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else {
            throw HTTPError.badRequest("Parameter '\(name)' must be 1 to \(maxBytes) bytes of text", detail: name)
        }
        return text
    }

    static func date(_ query: [String: String], _ name: String, alias: String) throws(HTTPError) -> Date? {
        if query[name] != nil, query[alias] != nil { throw HTTPError.badRequest("Give \(name) or \(alias), not both", detail: name) }
        guard let (field, text) = query[name].map({ (name, $0) }) ?? query[alias].map({ (alias, $0) }) else { return nil }
        guard let date = AccountJSON.date(text) else {
            throw HTTPError.badRequest("Parameter '\(field)' must be an RFC 3339 date-time, e.g. 2026-01-01T00:00:00Z", detail: field)
        }
        return date
    }
}
