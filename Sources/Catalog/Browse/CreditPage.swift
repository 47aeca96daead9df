import Store

/// A page of an item's credits (`movie_credits` or `series_credits`) with their people: the cast in
/// billing order, the crew by department and job.
enum CreditPage {
    static func read(
        _ connection: Connection, table: String, owner: String, id: String, type: String, limit: Int, offset: Int
    ) throws(SQLiteError) -> (rows: [Row], total: Int) {
        let order = type == "cast" ? "c.cast_order, p.name" : "c.department, c.job, p.name"
        let rows = try connection.query(
            """
            SELECT c.*, p.name, p.profile_path, p.tmdb_id FROM \(table) c JOIN people p ON p.id = c.person_id
            WHERE c.\(owner) = ? AND c.credit_type = ? ORDER BY \(order) LIMIT ? OFFSET ?
            """, [.text(id), .text(type), .integer(Int64(limit)), .integer(Int64(offset))])
        let total = try connection.queryOne(
            "SELECT count(*) FROM \(table) WHERE \(owner) = ? AND credit_type = ?", [.text(id), .text(type)])?[0].intValue ?? 0
        return (rows, total)
    }
}
