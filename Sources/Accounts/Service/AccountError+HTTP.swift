public import HTTP
import Store

extension AccountError: HTTPErrorConvertible {
    /// 400 naming the field, 409 for a taken name, 404, 403, and for the database what every state route
    /// answers (503 busy, 507 full, else a 500 that says nothing of the cause).
    public var httpError: HTTPError {
        switch self {
        case .invalid(let field, let reason): HTTPError.badRequest("Invalid \(field): \(reason)", detail: field)
        case .conflict(let field): HTTPError.conflict("The \(field) is already taken")
        case .notFound(let what): HTTPError.notFound("No such \(what)")
        case .forbidden(let why): HTTPError(status: 403, code: "FORBIDDEN", message: why)
        case .database(let error): HTTPError.storage(error, failing: "Failed to use the account database")
        case .crypto: HTTPError.serverError()
        }
    }
}
