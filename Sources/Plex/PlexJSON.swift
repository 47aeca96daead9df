import Core
import Fetch

/// Plex's JSON is loose about types (ids as numbers or strings, booleans as 0/1): these readers
/// accept either form.
extension JSON {
    var plexString: String? {
        switch self {
        case .string(let s): s
        case .int(let i): String(i)
        case .double(let d) where d.rounded() == d: String(Int64(d))
        default: nil
        }
    }

    var plexInt: Int? {
        switch self {
        case .string(let s): Int(s)
        default: intValue.map { Int($0) }
        }
    }

    var plexBool: Bool? {
        switch self {
        case .bool(let b): b
        case .int(let i): i != 0
        case .string(let s): s == "1" || s == "true"
        default: nil
        }
    }
}

/// Sends one request to Plex and turns transport failures and error statuses into `PlexError`.
struct PlexTransport: Sendable {
    let fetch: FetchClient

    func send(_ request: FetchRequest, what: String) async throws(PlexError) -> FetchResponse {
        let response: FetchResponse
        do {
            response = try await fetch.send(request)
        } catch {
            throw PlexError(error)
        }
        guard response.isSuccess else { throw PlexError.status(response.status, url: request.url, what: what) }
        return response
    }

    func json(_ request: FetchRequest, what: String) async throws(PlexError) -> JSON {
        let response = try await send(request, what: what)
        do {
            return try JSON.decode(response.body)
        } catch {
            throw PlexError(kind: .badResponse, status: response.status, message: "\(what): not JSON", url: request.url)
        }
    }
}
