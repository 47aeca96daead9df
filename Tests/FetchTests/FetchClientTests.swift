import Core
import Fetch
import TestSupport
import Testing

@Suite(.enabled(if: FixtureServer.isAvailable, "python3 is needed for the fixture server"))
struct FetchClientTests {
    /// One fixture server for the whole suite; it dies with the test process.
    static let shared = SharedFixture { try FixtureServer(script: "http_fixture.py") }
    let server: FixtureServer
    let client = FetchClient(options: FetchOptions(connectTimeout: 2, timeout: 5, maximumResponseBytes: 1 << 20))

    init() async throws {
        server = try await Self.shared.get()
    }

    @Test(arguments: [200, 204, 404, 500, 503])
    func statusesComeBackAsResponses(_ status: Int) async throws {
        let response = try await client.get("\(server.baseURL)/status/\(status)")
        #expect(response.status == status)
        #expect(response.text == (status == 204 ? "" : "status \(status)"))
    }

    @Test func methodsHeadersAndBodiesReachTheServer() async throws {
        let body = Array("{\"strong\":true}".utf8)
        for method in [HTTPMethod.post, .put, .patch, .delete] {
            let response = try await client.send(
                FetchRequest(
                    method, "\(server.baseURL)/echo?x=1", headers: [("X-Plex-Product", "applianced"), ("Accept", "application/json")],
                    body: method == .delete ? nil : body))
            #expect(response.status == 200)
            #expect(response.header("x-fixture") == "echo")
            let echo = try JSON.decode(response.body)
            #expect(echo["method"]?.stringValue == method.rawValue)
            #expect(echo["path"]?.stringValue == "/echo?x=1")
            #expect(echo["headers"]?["X-Plex-Product"]?.stringValue == "applianced")
            #expect(echo["body"]?.stringValue == (method == .delete ? "" : "{\"strong\":true}"))
        }
        let empty = try JSON.decode(try await client.post("\(server.baseURL)/echo").body)
        #expect(empty["headers"]?["Content-Length"]?.stringValue == "0")
    }

    @Test func aServerThatNeverAnswersTimesOut() async throws {
        let quick = FetchClient(options: FetchOptions(connectTimeout: 1, timeout: 0.5))
        let error = await #expect(throws: FetchError.self) { try await quick.get("\(server.baseURL)/hang") }
        #expect(error?.kind == .timeout)
    }

    @Test func aClosedPortIsUnreachable() async throws {
        // Bind-and-close would race with other tests; port 1 on loopback is never a fixture's.
        let error = await #expect(throws: FetchError.self) { try await client.get("http://127.0.0.1:1/") }
        #expect(error?.kind == .unreachable)
    }

    @Test(arguments: ["bytes", "stream"])
    func bodiesOverTheCapAreRefused(_ route: String) async throws {
        let small = try await client.get("\(server.baseURL)/\(route)/1000")
        #expect(small.body.count == 1000)
        let error = await #expect(throws: FetchError.self) { try await client.get("\(server.baseURL)/\(route)/\(2 << 20)") }
        #expect(error?.kind == .tooLarge)
        #expect(error?.message.contains("larger than") == true)
    }

    @Test func redirectsAreFollowedUpToTheLimit() async throws {
        let followed = try await client.get("\(server.baseURL)/redirect/3")
        #expect(followed.status == 200 && followed.text == "done")
        let error = await #expect(throws: FetchError.self) { try await client.get("\(server.baseURL)/redirect/9") }
        #expect(error?.kind == .tooManyRedirects)
        let unfollowed = FetchClient(options: FetchOptions(maximumRedirects: 0))
        #expect(try await unfollowed.get("\(server.baseURL)/redirect/1").status == 302)
    }

    @Test func cancellingTheTaskAbortsTheTransfer() async throws {
        let slow = FetchClient(options: FetchOptions(timeout: 60))
        let url = "\(server.baseURL)/hang"
        let task = Task { try await slow.get(url) }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()
        let result = await task.result
        #expect(throws: FetchError.self) { try result.get() }
        if case .failure(let error as FetchError) = result { #expect(error.kind == .cancelled) }
    }

    @Test func manyRequestsAtOnce() async throws {
        let url = "\(server.baseURL)/status/200"
        let client = self.client
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<20 { group.addTask { try await client.get(url).status } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(statuses == Array(repeating: 200, count: 20))
    }
}

struct FetchErrorTests {
    @Test(arguments: [
        ("http://h/x?X-Plex-Token=abc&type=1", "http://h/x?X-Plex-Token=****&type=1"),
        ("https://u:p@h:32400/a?apikey=1#frag", "https://****@h:32400/a?apikey=****#frag"),
        ("http://h/library/sections", "http://h/library/sections"),
        ("http://h/?password=x&flag", "http://h/?password=****&flag"),
    ])
    func urlsAreRedacted(_ url: String, _ expected: String) {
        #expect(FetchError.redact(url) == expected)
    }

    @Test(arguments: ["ftp://h/x", "file:///etc/passwd", "http://", "not a url", "http://h/a b"])
    func badURLsAreRefusedBeforeConnecting(_ url: String) async {
        let error = await #expect(throws: FetchError.self) { try await FetchClient().get(url) }
        #expect(error?.kind == .badURL)
    }

    @Test func headerInjectionIsRefused() async {
        let error = await #expect(throws: FetchError.self) {
            try await FetchClient().get("http://127.0.0.1:1/", headers: [("X-A", "1\r\nX-B: 2")])
        }
        #expect(error?.kind == .badRequest)
    }

    @Test func theErrorNeverCarriesTheToken() async {
        let error = await #expect(throws: FetchError.self) {
            try await FetchClient().get("http://127.0.0.1:1/identity?X-Plex-Token=secret-token")
        }
        #expect(error.map { "\($0)".contains("secret-token") } == false)
    }
}
