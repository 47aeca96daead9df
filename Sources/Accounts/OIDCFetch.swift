import Core
public import Fetch

extension FetchClient {
    /// Limits for every request to an identity provider: short timeouts, no redirects (an issuer's
    /// endpoints are the ones it names), and documents of at most 64 KiB.
    public static let oidcDefault = FetchClient(
        options: FetchOptions(connectTimeout: 5, timeout: 10, maximumResponseBytes: 64 << 10, maximumRedirects: 0))

    /// The response to `request` as a JSON object, with its status; `what` names the document in errors.
    func oidcObject(_ request: FetchRequest, _ what: String) async throws(OIDCError) -> (status: Int, object: [String: JSON]) {
        let (status, object) = try await oidcResponse(request, what)
        guard let object else { throw .badDocument("\(what) (status \(status)) is not a JSON object") }
        return (status, object)
    }

    /// The status of the response to `request` and its body if that is a JSON object.
    func oidcResponse(_ request: FetchRequest, _ what: String) async throws(OIDCError) -> (status: Int, object: [String: JSON]?) {
        let response: FetchResponse
        do {
            response = try await send(request)
        } catch {
            if error.kind == .tooLarge { throw .badDocument("\(what) is larger than \(options.maximumResponseBytes) bytes") }
            throw .unreachable(error.kind.rawValue)
        }
        guard case .object(let object)? = try? JSON.parseStrict(response.body) else { return (response.status, nil) }
        return (response.status, object)
    }
}
