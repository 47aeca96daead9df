import Core
public import FoundationEssentials
public import Store

/// Finished jobs are kept for `jobs.history_days`, and at most `jobs.history_max` of them. Without a bound,
/// a box whose schedule runs a thumbnail job a day grows `state.db` by every file's result forever, and
/// SQLite's page cache grows with it (the soak's daemon, six jobs a minute, showed it as heap growth).
public enum JobHistory {
    /// Jobs deleted per transaction, so that a large first sweep never holds the database for long.
    static let batch = 500

    public struct Limits: Sendable, Equatable {
        public var days: Int
        public var keep: Int

        public init(days: Int, keep: Int) {
            self.days = days
            self.keep = keep
        }
    }

    /// One sweep at `now`, in short transactions; answers how many jobs went.
    @discardableResult
    public static func sweep(_ store: JobStore, limits: Limits, now: Date = Date()) async throws -> Int {
        let cutoff = now.addingTimeInterval(-Double(limits.days) * 86_400)
        var deleted = 0
        while true {
            let batch = try await store.database.perform {
                try store.pruneFinished(finishedBefore: cutoff, keepingNewest: limits.keep, limit: Self.batch)
            }
            deleted += batch
            if batch < Self.batch { return deleted }
        }
    }

    /// Sweeps now and then every `interval` (ten minutes: a sweep with nothing to delete is one query) until
    /// cancelled, with the limits in force at each sweep; a failed sweep is logged and tried again at the next.
    public static func start(_ store: JobStore, every interval: Duration = .seconds(600), limits: @escaping @Sendable () -> Limits)
        -> Task<Void, Never>
    {
        Task.detached(priority: .utility) {
            while !Task.isCancelled {
                do {
                    let deleted = try await sweep(store, limits: limits())
                    if deleted > 0 { Log.shared.info("Job history: deleted \(deleted) finished jobs past the retention") }
                } catch {
                    Log.shared.warning("Failed to sweep 'job history': \(error)")
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
