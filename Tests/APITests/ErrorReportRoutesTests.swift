import Core
import Store
import TestSupport
import Testing

@testable import HTTP
@testable import Routes

/// 001's `/api/v1/errors/*` on a real state database: the seed's body, the bounds of a request, of a
/// field and of the store, the rate limit, and who sees which reports.
struct ErrorReportRoutesTests {
    /// A server over a fresh state database with the given bounds.
    struct Fixture {
        let directory = TemporaryDirectory("error-reports")
        let database: Database
        let server: TestServer

        init(maxReports: Int = 1000, maxBytes: Int = 1 << 20, requestsPerMinute: Int = 1000) throws {
            database = try Database(path: directory.file("state.db"), migrations: StateSchema.migrations)
            server = try TestServer(
                routes: ErrorReportRoutes(database: database, maxReports: maxReports, maxBytes: maxBytes, requestsPerMinute: requestsPerMinute)
                    .routes,
                verifiers: [BrowseUsers()])
        }

        func report(_ errors: [JSON], as user: String = "reader", extra: [String: JSON] = [:]) async throws -> (status: Int, json: JSON) {
            var body = extra
            body["errors"] = .array(errors)
            return try await server.call("POST", "/api/v1/errors/report", as: user, body: .object(body))
        }

        func recent(as user: String, limit: Int? = nil) async throws -> [JSON] {
            let answer = try await server.call("GET", "/api/v1/errors/recent" + (limit.map { "?limit=\($0)" } ?? ""), as: user)
            #expect(answer.status == 200)
            return answer.json["data"]?["errors"]?.arrayValue ?? []
        }

        func stored() async throws -> (count: Int, bytes: Int) {
            try await database.perform { [database] in
                let row = try database.queryOne("SELECT COUNT(*) AS n, COALESCE(SUM(bytes), 0) AS b FROM error_reports")
                return (row?.int("n") ?? 0, row?.int("b") ?? 0)
            }
        }
    }

    static let seedError: JSON = [
        "timestamp": "2023-01-01T00:00:00Z", "level": "error", "message": "API request failed",
        "error": ["message": "Network error", "stack": "Error stack trace...", "code": "NETWORK_ERROR", "statusCode": 500],
        "context": ["component": "MediaSearch", "props": ["query": "test"]],
    ]

    @Test func theSeedsReportIsStoredAndListed() async throws {
        let fixture = try Fixture()
        let answer = try await fixture.report(
            [Self.seedError], extra: ["timestamp": "2023-01-01T00:00:00Z", "userAgent": "Mozilla/5.0...", "url": "/search?query=test"])
        #expect(answer.status == 200)
        #expect(answer.json == ["success": true, "data": ["received": 1]])
        let listed = try await fixture.recent(as: "reader")
        #expect(listed.count == 1)
        let report = try #require(listed.first)
        #expect(report["userId"] == "u-reader")
        #expect(report["level"] == "error")
        #expect(report["message"] == "API request failed: Network error")
        #expect(report["code"] == "NETWORK_ERROR")
        #expect(report["statusCode"] == 500)
        #expect(report["component"] == "MediaSearch")
        #expect(report["url"] == "/search?query=test")
        #expect(report["userAgent"] == "Mozilla/5.0...")
        #expect(report["stack"] == "Error stack trace...")
        #expect(report["timestamp"]?.stringValue?.hasSuffix("Z") == true)
    }

    @Test func callersSeeTheirOwnAndMonitorsSeeAllNewestFirst() async throws {
        let fixture = try Fixture()
        #expect(try await fixture.report([["message": "first"]]).status == 200)
        #expect(try await fixture.report([["message": "from bob"]], as: "other").status == 200)
        #expect(try await fixture.report([["message": "second"]]).status == 200)
        #expect(try await fixture.recent(as: "reader").map { $0["message"] } == ["second", "first"])
        #expect(try await fixture.recent(as: "other").map { $0["message"] } == ["from bob"])
        #expect(try await fixture.recent(as: "guest").isEmpty)
        #expect(try await fixture.recent(as: "monitor").map { $0["message"] } == ["second", "from bob", "first"])
        #expect(try await fixture.recent(as: "appliance").count == 3)
        #expect(try await fixture.recent(as: "monitor", limit: 1).map { $0["message"] } == ["second"])
        #expect(try await fixture.server.call("GET", "/api/v1/errors/recent", as: "nobody").status == 401)
        #expect(try await fixture.report([["message": "x"]], as: "nobody").status == 401)
    }

    @Test(arguments: ["0", "101", "ten", "-1"])
    func aBadLimitIs400(limit: String) async throws {
        let fixture = try Fixture()
        let answer = try await fixture.server.call("GET", "/api/v1/errors/recent?limit=\(limit)")
        #expect(answer.status == 400)
        #expect(answer.json["code"] == "VALIDATION_ERROR")
    }

    @Test(arguments: [
        ["errors": .array(Array(repeating: ["message": "x"], count: 21))] as JSON, ["errors": []], ["errors": "x"], [:],
        ["errors": [["message": "x", "level": "panic"]]], ["errors": [["level": "error"]]], ["errors": [["message": ""]]],
        ["errors": [["message": 5]]], ["errors": [["message": "x", "error": ["statusCode": "500"]]]],
        ["errors": [["message": "x", "error": ["statusCode": 1000]]]], ["errors": [["message": "x", "error": "boom"]]],
        ["errors": [["message": "x", "context": ["component": 3]]]], ["errors": ["x"]], ["errors": [["message": "x"]], "userAgent": 7],
    ])
    func aBadReportIs400AndStoresNothing(body: JSON) async throws {
        let fixture = try Fixture()
        let answer = try await fixture.server.call("POST", "/api/v1/errors/report", body: body)
        #expect(answer.status == 400)
        #expect(answer.json["code"] == "VALIDATION_ERROR")
        #expect(try await fixture.stored().count == 0)
    }

    @Test func twentyErrorsAreAccepted() async throws {
        let fixture = try Fixture()
        let answer = try await fixture.report(Array(repeating: ["message": "x", "level": "warn"], count: 20))
        #expect(answer.json["data"]?["received"] == 20)
        #expect(try await fixture.stored().count == 20)
    }

    @Test func longFieldsAreCutToTheirLimits() async throws {
        let fixture = try Fixture()
        let long: JSON = [
            "message": .string(String(repeating: "é", count: 3000)),
            "error": [
                "stack": .string(String(repeating: "s", count: 100_000)), "code": .string(String(repeating: "C", count: 500)),
            ],
            "context": ["component": .string(String(repeating: "c", count: 1000))], "url": .string("/" + String(repeating: "u", count: 5000)),
        ]
        let answer = try await fixture.report([long], extra: ["userAgent": .string(String(repeating: "a", count: 2000))])
        #expect(answer.status == 200)
        let report = try #require(try await fixture.recent(as: "reader").first)
        let message = try #require(report["message"]?.stringValue)
        #expect(message.utf8.count <= 2000)
        #expect(message.utf8.count >= 1998)
        #expect(message.allSatisfy { $0 == "é" })
        #expect(report["stack"]?.stringValue?.utf8.count == 8192)
        #expect(report["code"]?.stringValue?.utf8.count == 100)
        #expect(report["component"]?.stringValue?.utf8.count == 200)
        #expect(report["url"]?.stringValue?.utf8.count == 2048)
        #expect(report["userAgent"]?.stringValue?.utf8.count == 512)
    }

    @Test func theStoreKeepsTheNewestWithinItsCount() async throws {
        let fixture = try Fixture(maxReports: 5)
        for n in 0..<4 { #expect(try await fixture.report([["message": .string("m\(n)")]]).status == 200) }
        #expect(try await fixture.report((4..<8).map { ["message": .string("m\($0)")] }).status == 200)
        #expect(try await fixture.stored().count == 5)
        #expect(try await fixture.recent(as: "reader").map { $0["message"] } == ["m7", "m6", "m5", "m4", "m3"])
    }

    @Test func theStoreKeepsTheNewestWithinItsBytes() async throws {
        let fixture = try Fixture(maxBytes: 5000)
        for n in 0..<4 {
            let error: JSON = ["message": .string("m\(n)"), "error": ["stack": .string(String(repeating: "s", count: 2000))]]
            #expect(try await fixture.report([error]).status == 200)
        }
        let stored = try await fixture.stored()
        #expect(stored.bytes <= 5000)
        #expect(stored.count == 2)
        #expect(try await fixture.recent(as: "reader").map { $0["message"] } == ["m3", "m2"])
    }

    @Test func reportsAreRateLimitedPerUser() async throws {
        let fixture = try Fixture(requestsPerMinute: 2)
        #expect(try await fixture.report([["message": "1"]]).status == 200)
        #expect(try await fixture.report([["message": "2"]]).status == 200)
        let refused = try await fixture.report([["message": "3"]])
        #expect(refused.status == 429)
        #expect(refused.json["code"] == "RATE_LIMIT_EXCEEDED")
        #expect(try await fixture.report([["message": "from bob"]], as: "other").status == 200)
        #expect(try await fixture.stored().count == 3)
    }
}
