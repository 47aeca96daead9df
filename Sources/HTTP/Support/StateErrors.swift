public import Store

extension HTTPError {
    /// Seconds a client waits before retrying a database route: SQLite's busy timeout.
    public static let databaseRetrySeconds = 5

    /// 503 when another process held the state database locked for longer than the busy timeout:
    /// the request may succeed later, so it says when to retry.
    public static let databaseBusy = HTTPError(
        status: 503, code: "DATABASE_BUSY", message: "The state database is locked by another process; retry shortly",
        headers: [("Retry-After", String(databaseRetrySeconds))])

    /// 507 when the state database's disk had no room for a change (rolled back, nothing half-written).
    public static let storageFull = HTTPError(
        status: 507, code: "STORAGE_FULL", message: "The disk holding the state database is full; free space and retry")

    /// The answer for what work on the state database threw: `HTTPError` as it is, an error that says
    /// its own answer (`HTTPErrorConvertible`, e.g. a feature's typed errors), a busy database as
    /// `databaseBusy`, a full disk as `storageFull`, anything else as a 500 saying `failing`.
    public static func storage(_ error: any Error, failing: String) -> HTTPError {
        switch error {
        case let error as HTTPError: error
        case let error as any HTTPErrorConvertible: error.httpError
        case let error as SQLiteError where error.isBusy: databaseBusy
        case let error as SQLiteError where error.isDiskFull: storageFull
        case let error as SQLiteError: serverError("\(failing): \(error.description)")
        default: serverError(failing)
        }
    }
}

extension Database {
    /// Runs `body` on the database's own queue and answers what it throws as `HTTPError.storage`.
    public func request<T: Sendable>(failing: String, _ body: @escaping @Sendable () throws -> T) async throws(HTTPError) -> T {
        do { return try await perform(body) } catch { throw HTTPError.storage(error, failing: failing) }
    }

    /// The same in one transaction on the connection `body` gets: what it throws rolls the whole change back.
    public func requestTransaction<T: Sendable>(
        failing: String, _ body: @escaping @Sendable (Store.Connection) throws -> T
    ) async throws(HTTPError) -> T {
        do {
            return try await perform { [self] in try transaction { connection in try body(connection) } }
        } catch {
            throw HTTPError.storage(error, failing: failing)
        }
    }
}
