public import HTTP
public import Store

/// The libraries a caller may see: all of them (the owner, admins and anyone holding
/// `libraries:write`), or the ones a library permission names for them. Every catalog read is
/// narrowed by it, lists, details, search and facets alike, so an item of a hidden library answers
/// as if it did not exist.
public enum LibraryScope: Sendable, Hashable {
    case all
    case only(Set<String>)

    /// Whether an item of library `id` may be shown.
    public func allows(_ id: String) -> Bool {
        switch self {
        case .all: true
        case .only(let ids): ids.contains(id)
        }
    }

    /// A SQL condition on `column` (a library id column) with its bound values.
    public func condition(_ column: String) -> (sql: String, values: [SQLValue]) {
        switch self {
        case .all: ("1", [])
        case .only(let ids) where ids.isEmpty: ("0", [])
        case .only(let ids):
            ("\(column) IN (\(Array(repeating: "?", count: ids.count).joined(separator: ", ")))", ids.sorted().map(SQLValue.text))
        }
    }

    /// The scope of `principal`; reads the permissions table for a plain user.
    public static func of(_ principal: Principal, connection: Connection) throws(SQLiteError) -> LibraryScope {
        if principal.isAdmin || principal.holds("libraries:write") { return .all }
        guard let user = principal.user else { return .only([]) }
        let rows = try connection.query("SELECT DISTINCT library_id FROM library_permissions WHERE user_id = ?", [.text(user.id)])
        return .only(Set(rows.compactMap { $0[0].stringValue }))
    }
}
