import Core
import Testing

@testable import HTTP
@testable import Routes

struct PlexRoutesTests {
    static func fixture(_ settings: PlexConnectionSettings = PlexConnectionSettings(), pendingPolls: Int = 1)
        -> (router: Router, settings: MemoryPlexSettings)
    {
        let store = MemoryPlexSettings(settings)
        return (Router(PlexRoutes(plex: FakePlex(pendingPolls: pendingPolls), settings: store).routes), store)
    }
    static let signedIn = PlexConnectionSettings(url: FakePlex.reachable, token: FakePlex.goodToken)

    @Test func pinSignInFromPendingToAuthorised() async throws {
        let (router, settings) = Self.fixture()
        let pin = try await call(router, "POST", "/api/plex/auth/pin").json
        #expect(pin == ["id": 12345, "code": "ABCD1234", "auth_url": "https://app.plex.tv/auth#?clientID=test&code=ABCD1234"])
        #expect(try await call(router, "GET", "/api/plex/auth/pin/12345").json == ["authenticated": false, "auth_token": nil])
        #expect(try settings.plexConnection().token == "")
        #expect(try await call(router, "GET", "/api/plex/auth/pin/12345").json == ["authenticated": true, "auth_token": "****"])
        #expect(try settings.plexConnection().token == FakePlex.goodToken)
    }

    @Test(arguments: [("999", 410, "PIN_EXPIRED"), ("7", 404, "NOT_FOUND"), ("abc", 400, "VALIDATION_ERROR"), ("-1", 400, "VALIDATION_ERROR")])
    func badPins(id: String, status: Int, code: String) async throws {
        let (router, _) = Self.fixture()
        let error = try #require(await callError(router, "GET", "/api/plex/auth/pin/\(id)"))
        #expect(error.status == status)
        #expect(error.code == code)
    }

    @Test func serversNeedASignIn() async throws {
        let (router, _) = Self.fixture()
        let error = try #require(await callError(router, "GET", "/api/plex/servers"))
        #expect(error.status == 400)
        #expect(error.message == "Sign in to Plex first.")
    }

    @Test func serversOfTheAccount() async throws {
        let (router, _) = Self.fixture(Self.signedIn)
        let body = try await call(router, "GET", "/api/plex/servers").json
        #expect(
            body == [
                "servers": [
                    [
                        "name": "My Server", "machine_id": "abc123", "host": "192.168.1.10", "port": 32400,
                        "ssl": false, "owned": true, "local": true,
                    ]
                ]
            ])
    }

    @Test func librariesByQueryOrFromSettings() async throws {
        let expected: JSON = ["libraries": [["id": "1", "name": "Movies", "type": "movie"], ["id": "2", "name": "TV Shows", "type": "show"]]]
        let (bare, _) = Self.fixture()
        #expect(
            try await call(bare, "GET", "/api/plex/libraries", query: ["url": FakePlex.reachable + "/", "token": FakePlex.goodToken]).json == expected
        )
        let (configured, _) = Self.fixture(Self.signedIn)
        #expect(try await call(configured, "GET", "/api/plex/libraries").json == expected)
    }

    @Test(arguments: [
        "not a url", "ftp://192.168.1.10", "http://", "http://host:99999", "http://host:abc", "192.168.1.10:32400",
        "http://user@host", "http://ho st:32400", "javascript:alert(1)",
    ])
    func nonURLServerAddressIs400(url: String) async throws {
        let (router, _) = Self.fixture()
        let error = try #require(await callError(router, "GET", "/api/plex/libraries", query: ["url": url, "token": FakePlex.goodToken]))
        #expect(error.status == 400)
        #expect(error.code == "VALIDATION_ERROR")
        let test = try #require(await callError(router, "POST", "/api/plex/test", body: ["url": .string(url), "token": .string(FakePlex.goodToken)]))
        #expect(test.status == 400)
    }

    @Test(arguments: ["http://192.168.1.10:32400", "https://plex.example.org", "http://[::1]:32400/", "HTTP://nas.local:32400/plex"])
    func serverURLsThatAreAccepted(url: String) throws {
        #expect(try PlexInput.serverURL(url).hasSuffix("/") == false)
    }

    @Test func testAConnection() async throws {
        let (router, _) = Self.fixture()
        let body = try await call(router, "POST", "/api/plex/test", body: ["url": .string(FakePlex.reachable), "token": .string(FakePlex.goodToken)])
            .json
        #expect(body == ["success": true, "server_name": "My Server", "version": "1.32.0"])
    }

    @Test func wrongTokenAndUnreachableServer() async throws {
        let (router, _) = Self.fixture()
        let wrong = try #require(await callError(router, "POST", "/api/plex/test", body: ["url": .string(FakePlex.reachable), "token": "nope"]))
        #expect(wrong.status == 400)
        #expect(wrong.code == "PLEX_UNAUTHORIZED")
        let away = try #require(await callError(router, "POST", "/api/plex/test", body: ["url": "http://10.255.255.1:32400", "token": "nope"]))
        #expect(away.status == 504)
        #expect(away.code == "PLEX_UNREACHABLE")
        let typed = try #require(await callError(router, "POST", "/api/plex/test", body: ["url": 5, "token": "nope"]))
        #expect(typed.status == 400)
    }

    @Test func configuredLibrariesWithItemCounts() async throws {
        let (router, _) = Self.fixture(Self.signedIn)
        let body = try await call(router, "GET", "/api/libraries").json
        #expect(
            body == [
                "libraries": [
                    ["id": "1", "name": "Movies", "type": "movie", "item_count": 500],
                    ["id": "2", "name": "TV Shows", "type": "show", "item_count": nil],
                ]
            ])
        let route = try #require(router.routes.first { $0.pattern == "/api/libraries" })
        #expect(route.access == .permission("plex:read"))
        let (bare, _) = Self.fixture()
        #expect(await callError(bare, "GET", "/api/libraries")?.message == "Plex server URL is not configured.")
    }
}
