public import Store

/// Why an account store refused a call. The route layer maps `invalid` to 400, `conflict` to 409,
/// `notFound` to 404, `forbidden` to 403 and `database`/`crypto` to 500 (logged, never shown).
public enum AccountError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A field broke its limit; `field` is the request's name for it (`username`, `email`, …).
    case invalid(field: String, reason: String)
    /// A unique field (`username`, `email`, `name`, `subject`, …) is already taken.
    case conflict(field: String)
    /// No such record (`user`, `role`, `session`, …).
    case notFound(String)
    /// The change is not allowed whatever its input (deleting a built-in role, a role still held).
    case forbidden(String)
    case database(SQLiteError)
    case crypto(String)

    public var description: String {
        switch self {
        case .invalid(let field, let reason): "\(field): \(reason)"
        case .conflict(let field): "\(field) is already taken"
        case .notFound(let what): "no such \(what)"
        case .forbidden(let why): why
        case .database(let error): error.description
        case .crypto(let message): message
        }
    }

    /// Runs `body`, turning SQLite and libcrypto errors into `database` and `crypto`.
    static func wrap<T>(_ body: () throws -> T) throws(AccountError) -> T {
        do {
            return try body()
        } catch let error as AccountError {
            throw error
        } catch let error as SQLiteError {
            throw .database(error)
        } catch {
            throw .crypto("\(error)")
        }
    }

    /// As `wrap`, but a constraint violation `mapping` recognises becomes its error (a taken name → `conflict`).
    static func wrap<T>(_ body: () throws -> T, mapping: (SQLiteError) -> AccountError?) throws(AccountError) -> T {
        do {
            return try body()
        } catch let error as SQLiteError where error.isConstraintViolation {
            throw mapping(error) ?? .database(error)
        } catch {
            return try wrap { throw error }
        }
    }
}
