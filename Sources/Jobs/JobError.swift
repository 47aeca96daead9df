/// Why a job request or a job failed: the routes map `notFound` to 404, `conflict` to 409,
/// `invalid` to 400 and `upstream` to 502.
public enum JobError: Error, CustomStringConvertible, Equatable, Sendable {
    case notFound(String)
    case conflict(String)
    case invalid(String)
    case upstream(String)
    case storage(String)

    public var description: String {
        switch self {
        case .notFound(let m), .conflict(let m), .invalid(let m), .upstream(let m), .storage(let m): m
        }
    }
}
