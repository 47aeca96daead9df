import Store

/// Refreshing a whole library after a scan: every movie or series whose metadata is missing or stale.
extension MetadataRefresher {
    /// What `refreshAll` did.
    public struct Summary: Sendable, Equatable {
        public var updated = 0
        public var failed = 0
        /// Items that were due, including any not reached because the task was cancelled.
        public var due = 0

        public init(updated: Int = 0, failed: Int = 0, due: Int = 0) {
            self.updated = updated
            self.failed = failed
            self.due = due
        }
    }

    /// Refreshes, one after another at TMDb's pace, the items of library `libraryID` never refreshed or
    /// refreshed more than `staleDays` ago; `progress(done, due)` after each. Stops early when the
    /// calling task is cancelled; does nothing when TMDb is not configured. Meant for a background task
    /// (the scanner's, after a scan).
    public func refreshAll(
        libraryID: String, staleDays: Int = 30, progress: @Sendable (Int, Int) async -> Void = { _, _ in }
    ) async -> Summary {
        guard tmdb.isConfigured else { return Summary() }
        let cutoff = catalog.clock() - Int64(max(0, staleDays)) * 86_400_000
        let due =
            (try? await catalog.perform { connection in
                try Self.due(in: libraryID, before: cutoff, connection)
            }) ?? []
        var summary = Summary(due: due.count)
        for (index, item) in due.enumerated() {
            if Task.isCancelled { break }
            let outcome = item.isSeries ? await refreshSeries(id: item.id) : await refreshMovie(id: item.id)
            switch outcome {
            case .updated: summary.updated += 1
            case .failed: summary.failed += 1
            case .gone: break
            }
            await progress(index + 1, due.count)
        }
        return summary
    }

    /// The movies and series of the library that are due, oldest refresh first.
    static func due(in libraryID: String, before cutoff: Int64, _ connection: Connection) throws(SQLiteError) -> [(id: String, isSeries: Bool)] {
        let rows = try connection.query(
            """
            SELECT id, 0 AS series, coalesce(metadata_updated_at, 0) AS at FROM movies
                WHERE library_id = ?1 AND (metadata_updated_at IS NULL OR metadata_updated_at < ?2)
            UNION ALL
            SELECT id, 1, coalesce(metadata_updated_at, 0) FROM series
                WHERE library_id = ?1 AND (metadata_updated_at IS NULL OR metadata_updated_at < ?2)
            ORDER BY at, id
            """, [.text(libraryID), .integer(cutoff)])
        return rows.compactMap { row in row[0].stringValue.map { ($0, row[1].intValue == 1) } }
    }
}
