public import HTTP

/// What a catalog operation refuses, answered in the one error shape.
public enum CatalogError: Error, Sendable, Equatable, HTTPErrorConvertible {
    case notFound(String)
    case invalid(field: String, reason: String)
    case conflict(String)

    public var httpError: HTTPError {
        switch self {
        case .notFound(let what): .notFound(what)
        case .invalid(let field, let reason): .badRequest(reason, detail: field)
        case .conflict(let message): .conflict(message)
        }
    }
}
