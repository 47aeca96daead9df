import FoundationEssentials

/// A table of records whose first column is their text `id` and which carry an `updatedAt` (jobs,
/// schedules): the row mapping the shared read-modify-write needs.
protocol RecordTable {
    associatedtype Record
    static var table: String { get }
    static var columns: [String] { get }
    static func record(_ row: Row) -> Record
    static func values(_ record: Record) -> [SQLValue]
    /// Puts back the id (a change may not move a record) and stamps `updatedAt`.
    static func stamp(_ record: inout Record, id: String, at date: Date)
}

extension RecordTable {
    /// Reads the record, lets `change` edit it, and writes every column back in one transaction, stamping
    /// `updatedAt`. Returns the stored record, or nil when there is no such row.
    static func update(_ id: String, in database: Database, _ change: (inout Record) throws -> Void) throws -> Record? {
        try database.transaction { connection in
            guard let row = try connection.queryOne("SELECT * FROM \(table) WHERE id = ?", [.text(id)]) else { return nil }
            var record = Self.record(row)
            try change(&record)
            stamp(&record, id: id, at: Timestamp.date(Timestamp.now()))
            let assignments = columns.dropFirst().map { "\($0) = ?" }.joined(separator: ", ")
            try connection.execute("UPDATE \(table) SET \(assignments) WHERE id = ?", Array(values(record).dropFirst()) + [.text(id)])
            return record
        }
    }
}
