import Core
import HTTP

/// 004's `GET /scenes/` parameters, read and checked: a bad value is a 400 naming the parameter.
/// `performer_ids` and `tag_ids` take a comma-separated list (or one id); a scene matches when it has
/// any of them. `date_from`/`date_to` take a date (`2024-01-31`) or a date-time (its date counts).
struct SceneFilter: Sendable {
    /// `sort_by` values and the column each sorts on.
    static let sorts: [String: String] = [
        "title": "s.title COLLATE NOCASE", "date": "s.date", "scene_date": "s.date", "created_date": "s.created_at",
        "created_at": "s.created_at", "updated_at": "s.updated_at", "updated_date": "s.updated_at", "rating": "s.rating",
        "last_synced": "s.synced_at", "id": "s.pk",
    ]
    static let sortNames = sorts.keys.sorted()
    static let maximumIDs = 50

    var page = 1
    var perPage = 50
    var sort = "created_date"
    var descending = false
    var search: String?
    var studioID: String?
    var performerIDs: [String] = []
    var tagIDs: [String] = []
    var organized: Bool?
    var dateFrom: String?
    var dateTo: String?

    init() {}

    init(_ request: Request) throws(HTTPError) {
        try self.init(query: request.query)
    }

    /// The parameters of a query string, or of 004's `filters` object (`POST /analysis/generate`).
    init(query: [String: String]) throws(HTTPError) {
        page = try Self.integer(query["page"], "page", 1...100_000) ?? 1
        perPage = try Self.integer(query["per_page"], "per_page", 1...100) ?? 50
        if let sort = query["sort_by"], !sort.isEmpty {
            guard Self.sorts[sort] != nil else {
                throw HTTPError.badRequest("Invalid sort_by: one of \(Self.sortNames.joined(separator: ", "))", detail: "sort_by")
            }
            self.sort = sort
        }
        switch query["sort_order"]?.lowercased() {
        case nil, "", "asc": descending = false
        case "desc": descending = true
        default: throw HTTPError.badRequest("Invalid sort_order: asc or desc", detail: "sort_order")
        }
        search = try Self.text(query["search"], "search", maxBytes: 200)
        studioID = try Self.text(query["studio_id"], "studio_id", maxBytes: 64)
        performerIDs = try Self.ids(query["performer_ids"], "performer_ids")
        tagIDs = try Self.ids(query["tag_ids"], "tag_ids")
        switch query["organized"] {
        case nil, "": organized = nil
        case "true", "1": organized = true
        case "false", "0": organized = false
        default: throw HTTPError.badRequest("Invalid organized: true or false", detail: "organized")
        }
        dateFrom = try Self.date(query["date_from"], "date_from")
        dateTo = try Self.date(query["date_to"], "date_to")
        if let dateFrom, let dateTo, dateFrom > dateTo {
            throw HTTPError.badRequest("Invalid date range: date_from is after date_to", detail: "date_from")
        }
    }

    /// 004's `filters` of `POST /analysis/generate`: the scene list's filters (not its page or sort) as a
    /// JSON object; `organized` a boolean, `performer_ids`/`tag_ids` a list or a comma-separated text.
    init(filters json: JSON) throws(HTTPError) {
        guard let members = json.objectValue else { throw HTTPError.badRequest("filters: a JSON object", detail: "filters") }
        var query: [String: String] = [:]
        for (name, value) in members {
            guard Self.filterNames.contains(name) else {
                throw HTTPError.badRequest(
                    "filters: unknown filter '\(name.prefix(64))' (one of \(Self.filterNames.joined(separator: ", ")))", detail: "filters")
            }
            switch value {
            case .null: continue
            case .string(let text): query[name] = text
            case .bool(let flag): query[name] = flag ? "true" : "false"
            case .int(let number): query[name] = String(number)
            case .array(let items) where name == "performer_ids" || name == "tag_ids":
                let ids = items.compactMap { $0.stringValue ?? $0.intValue.map { String($0) } }
                guard ids.count == items.count else {
                    throw HTTPError.badRequest("filters.\(name): a list of ids", detail: "filters.\(name)")
                }
                query[name] = ids.joined(separator: ",")
            default: throw HTTPError.badRequest("filters.\(name): not a value this filter takes", detail: "filters.\(name)")
            }
        }
        try self.init(query: query)
    }

    static let filterNames = ["search", "studio_id", "performer_ids", "tag_ids", "organized", "date_from", "date_to"]

    /// The documented types of `filters`' members.
    static var filterSchema: Schema {
        let types = parameterTypes
        let ids = Schema([
            "type": ["string", "array"], "maxLength": 3300, "maxItems": .int(Int64(maximumIDs)), "items": ["type": "string", "maxLength": 64],
        ])
        var members: [String: Schema] = [:]
        for name in filterNames { members[name] = .nullable(types[name] ?? .string) }
        members["organized"] = .nullable(.boolean)
        members["performer_ids"] = .nullable(ids)
        members["tag_ids"] = .nullable(ids)
        return .object([:], optional: members, closed: true)
    }

    /// The documented types of the parameters.
    static var parameterTypes: [String: Schema] {
        let ids = Schema(["type": "string", "maxLength": 3300, "pattern": "^[^\\u0000-\\u001f]*$"])
        let date = Schema(["type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}([Tt ][0-9:.]+([Zz]|[+-][0-9]{2}:?[0-9]{2})?)?$"])
        return [
            "page": .integer(minimum: 1, maximum: 100_000), "per_page": .integer(minimum: 1, maximum: 100),
            "sort_by": .oneOf(sortNames), "sort_order": .oneOf(["asc", "desc"]), "search": .string(maxLength: 200),
            "studio_id": .string(maxLength: 64), "performer_ids": ids, "tag_ids": ids, "organized": .oneOf(["true", "false", "1", "0"]),
            "date_from": date, "date_to": date,
        ]
    }

    static let queryNames = [
        "page", "per_page", "sort_by", "sort_order", "search", "studio_id", "performer_ids", "tag_ids", "organized", "date_from", "date_to",
    ]

    // MARK: Reading

    static func integer(_ text: String?, _ name: String, _ range: ClosedRange<Int>) throws(HTTPError) -> Int? {
        guard let text else { return nil }
        guard text.utf8.count <= 12, let value = Int(text), range.contains(value) else {
            throw HTTPError.badRequest("Invalid \(name): an integer from \(range.lowerBound) to \(range.upperBound)", detail: name)
        }
        return value
    }

    static func text(_ text: String?, _ name: String, maxBytes: Int) throws(HTTPError) -> String? {
        guard let text, !text.isEmpty else { return nil }
        guard text.utf8.count <= maxBytes, !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw HTTPError.badRequest("Invalid \(name): at most \(maxBytes) bytes of text", detail: name)
        }
        return text
    }

    static func ids(_ text: String?, _ name: String) throws(HTTPError) -> [String] {
        guard let text, !text.isEmpty else { return [] }
        let ids = text.split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
        guard ids.count <= maximumIDs, ids.allSatisfy({ $0.utf8.count <= 64 && !$0.unicodeScalars.contains { $0.value < 0x20 } }) else {
            throw HTTPError.badRequest("Invalid \(name): at most \(maximumIDs) comma-separated ids of at most 64 bytes", detail: name)
        }
        return ids
    }

    /// `YYYY-MM-DD` of a date or date-time, checked as a real date.
    static func date(_ text: String?, _ name: String) throws(HTTPError) -> String? {
        guard let text, !text.isEmpty else { return nil }
        let bytes = Array(text.utf8)
        let day = bytes.count >= 10 ? String(decoding: bytes[0..<10], as: UTF8.self) : text
        let valid: Bool
        if bytes.count == 10 {
            valid = StashTime.milliseconds(day + "T00:00:00Z") != nil
        } else {
            valid = bytes.count <= 40 && (StashTime.milliseconds(text) != nil || StashTime.milliseconds(text + "Z") != nil)
        }
        guard valid, isRealDate(day) else {
            throw HTTPError.badRequest("Invalid \(name): a date (2024-01-31) or a date-time (2024-01-31T00:00:00)", detail: name)
        }
        return day
    }

    /// Whether `YYYY-MM-DD` names a day that exists (not 2024-02-31).
    static func isRealDate(_ day: String) -> Bool {
        guard let ms = StashTime.milliseconds(day + "T00:00:00Z") else { return false }
        return StashTime.text(milliseconds: ms).hasPrefix(day)
    }
}
