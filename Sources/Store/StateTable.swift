/// A store over the state database (jobs, schedules, key/values). Its methods block, so async code
/// reaches it through `perform`, which runs them on the database's own queue.
public protocol StateTable: Sendable {
    var database: Database { get }
}

extension StateTable {
    /// Runs `body` with this store on the database's own queue, off Swift's cooperative pool.
    public func perform<T: Sendable>(_ body: @escaping @Sendable (Self) throws -> T) async throws -> T {
        try await database.perform { [self] in try body(self) }
    }
}
