import Core

/// The one place that turns an error into the error shape of DESIGN §6:
/// `{"success":false,"error":…,"code":…,"detail":…,"request_id":…}` plus `HTTPError.extra`.
/// Errors that are neither `HTTPError` nor `HTTPErrorConvertible` become a 500 that leaks nothing about their cause.
public enum ErrorResponder {
    public static func response(for error: any Error, requestID: String) -> Response {
        let http = (error as? HTTPError) ?? (error as? any HTTPErrorConvertible)?.httpError ?? HTTPError.serverError()
        var members = http.extra
        members["success"] = false
        members["error"] = .string(http.message)
        members["code"] = .string(http.code)
        members["detail"] = JSON(http.detail)
        members["request_id"] = .string(requestID)
        var response = Response.json(.object(members), status: http.status)
        for (name, value) in http.headers { response.headers.set(name, value) }
        return response
    }
}
