import Store

/// Why a job request or a job failed: the routes map `notFound` to 404, `conflict` to 409,
/// `invalid` to 400, `upstream` to 502, `busy` (the database locked past its busy timeout) to 503 and
/// `full` (no room on the database's disk) to 507.
public enum JobError: Error, CustomStringConvertible, Equatable, Sendable {
    case notFound(String)
    case conflict(String)
    case invalid(String)
    case upstream(String)
    case storage(String)
    case busy(String)
    case full(String)

    public var description: String {
        switch self {
        case .notFound(let m), .conflict(let m), .invalid(let m), .upstream(let m), .storage(let m), .busy(let m), .full(let m): m
        }
    }

    /// "`what`: `error`" as `busy` when SQLite gave up waiting for a lock, `full` when the disk had no
    /// room, else as `storage`.
    public static func storage(_ what: String, _ error: any Error) -> JobError {
        let message = "\(what): \(error)"
        guard let error = error as? SQLiteError else { return .storage(message) }
        return error.isBusy ? .busy(message) : error.isDiskFull ? .full(message) : .storage(message)
    }
}
