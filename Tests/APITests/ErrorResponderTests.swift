import Core
import Testing

@testable import HTTP
@testable import Routes

/// The one error shape, for HTTPError and any other error.
struct ErrorResponderTests {
    @Test func httpErrorKeepsStatusHeadersAndExtra() throws {
        let error = HTTPError(
            status: 429, code: "RATE_LIMIT_EXCEEDED", message: "Slow down", detail: "Retry after 3 s",
            headers: [("Retry-After", "3")], extra: ["retry_after": 3])
        let response = ErrorResponder.response(for: error, requestID: "r1")
        #expect(response.status == 429)
        #expect(response.headers["Retry-After"] == "3")
        #expect(
            try JSON.decode(response.body) == [
                "success": false, "error": "Slow down", "code": "RATE_LIMIT_EXCEEDED", "detail": "Retry after 3 s",
                "request_id": "r1", "retry_after": 3,
            ])
    }

    @Test func otherErrorsAre500WithoutDetails() throws {
        let response = ErrorResponder.response(for: Boom(), requestID: "r2")
        #expect(response.status == 500)
        #expect(
            try JSON.decode(response.body) == [
                "success": false, "error": "Internal server error", "code": "SERVER_ERROR", "detail": nil, "request_id": "r2",
            ])
    }

    @Test(arguments: [
        ("abc-1", true), ("a.b:c_d", true), ("", false), ("has space", false),
        (String(repeating: "a", count: 129), false), ("x\r\ny", false),
    ])
    func requestIDSanity(candidate: String, sane: Bool) {
        #expect(RequestIDs.isSane(candidate) == sane)
    }
}
