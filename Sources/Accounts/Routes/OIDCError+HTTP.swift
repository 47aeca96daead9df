public import HTTP

extension OIDCError: HTTPErrorConvertible {
    /// The provider's faults are a 502 for the admin to look at; a callback that does not belong to a
    /// sign-in in progress (state, provider, denied, no code) is a 400; an ID token or code that does not
    /// prove the identity is a 401. The reason is safe to show: no case carries a token, code or secret.
    public var httpError: HTTPError {
        if isProviderFault { return HTTPError.badGateway("The identity provider failed", detail: description) }
        switch self {
        case .unknownState, .providerMismatch, .authorizationDenied:
            return HTTPError.badRequest("The sign-in could not be finished", detail: description)
        case .randomnessUnavailable:
            return HTTPError.serverError()
        default:
            return HTTPError(status: 401, code: "UNAUTHORIZED", message: "The identity provider's answer was refused", detail: description)
        }
    }
}
