import Core
import Synchronization
import Testing

@testable import HTTP
@testable import Routes

struct SetupRoutesTests {
    struct Fixture {
        let store = MemorySetupStore()
        let tokens: MemoryTokenStore
        let settings: MemoryPlexSettings
        let tracker: SetupTracker
        let router: Router

        init(tokens: MemoryTokenStore = MemoryTokenStore(), settings: PlexConnectionSettings = PlexConnectionSettings()) throws {
            self.tokens = tokens
            self.settings = MemoryPlexSettings(settings)
            tracker = try SetupTracker(store: store)
            router = Router(SetupRoutes(tracker: tracker, tokens: tokens, plexSettings: self.settings, plex: FakePlex()).routes)
        }
    }

    @Test func statusBeforeSetup() async throws {
        let f = try Fixture()
        let body = try await call(f.router, "GET", "/api/setup/status").json
        #expect(body == ["configured": false, "setup_complete": false, "current_step": 1, "plex_authenticated": false])
    }

    @Test func statusSaysWhetherAnAdminExistsWhenItCanTell() async throws {
        let f = try Fixture()
        let exists = Mutex(false)
        let router = Router(
            SetupRoutes(tracker: f.tracker, tokens: f.tokens, plexSettings: f.settings, plex: FakePlex()) { exists.withLock { $0 } }.routes)
        #expect(try await call(router, "GET", "/api/setup/status").json["admin_exists"] == false)
        exists.withLock { $0 = true }
        #expect(try await call(router, "GET", "/api/setup/status").json["admin_exists"] == true)
    }

    @Test func onlyStatusIsPublicTheRestIsSetupAccess() throws {
        let f = try Fixture()
        for route in f.router.routes {
            #expect(route.access == (route.pattern == "/api/setup/status" ? .public : .setup), "\(route.pattern)")
        }
    }

    @Test func stateRoundTripsAndSurvivesARestart() async throws {
        let f = try Fixture()
        #expect(try await call(f.router, "GET", "/api/setup/state").json == ["step": 1, "data": [:]])
        let saved: JSON = ["step": 3, "data": ["server_name": "My Plex Server", "selectedLibraries": ["1"]]]
        #expect(try await call(f.router, "POST", "/api/setup/state", body: saved).json == ["success": true])
        #expect(try await call(f.router, "GET", "/api/setup/state").json == saved)

        let restarted = Router(
            SetupRoutes(
                tracker: try SetupTracker(store: f.store), tokens: f.tokens,
                plexSettings: f.settings, plex: FakePlex()
            ).routes)
        #expect(try await call(restarted, "GET", "/api/setup/state").json == saved)
        #expect(try await call(restarted, "GET", "/api/setup/status").json["current_step"] == 3)
    }

    @Test(
        arguments: [
            (["step": 0] as JSON, "Field 'step' must be between 1 and 6."),
            (["step": 7], "Field 'step' must be between 1 and 6."),
            (["data": [:]], "Missing field 'step'"),
            (["step": "two"], "Field 'step' must be a whole number."),
            (["step": 2, "data": [1, 2]], "Field 'data' must be an object."),
            ([1, 2], "Request body must be a JSON object."),
        ] as [(JSON, String)])
    func badStateIsRejected(body: JSON, message: String) async throws {
        let f = try Fixture()
        let error = try #require(await callError(f.router, "POST", "/api/setup/state", body: body))
        #expect(error.status == 400)
        #expect(error.message == message)
    }

    @Test func oversizedStateIs413() async throws {
        let f = try Fixture()
        let big: JSON = ["step": 2, "data": ["blob": .string(String(repeating: "x", count: SetupTracker.stateLimit))]]
        let error = try #require(await callError(f.router, "POST", "/api/setup/state", body: big))
        #expect(error.status == 413)
    }

    @Test func tokenInfoFromConfig() async throws {
        let f = try Fixture(tokens: MemoryTokenStore("abc123xyz-0123456789"))
        let body = try await call(f.router, "GET", "/api/setup/token-info").json
        #expect(body == ["env_controlled": false, "token": "abc123xyz-0123456789", "token_length": 20, "source": "config"])
    }

    @Test func tokenInfoFromEnvironmentHidesTheValue() async throws {
        let f = try Fixture(tokens: MemoryTokenStore("from-the-environment", source: .environment))
        let body = try await call(f.router, "GET", "/api/setup/token-info").json
        #expect(body == ["env_controlled": true, "token": "****", "token_length": 20, "source": "environment"])
    }

    @Test(arguments: [
        ("my-custom-password", "my-custom-passwrd", "Tokens do not match."),
        ("short", "short", "Token must be at least 8 characters long."),
        ("", "", "Token must be at least 8 characters long."),
        (
            "generated-token-0123456789abcdefghijklmnopqrstuv", "generated-token-0123456789abcdefghijklmnopqrstuv",
            "New token must be different from the current token."
        ),
        ("has a space in it", "has a space in it", "Token may only contain printable ASCII characters without spaces."),
        (String(repeating: "a", count: 257), String(repeating: "a", count: 257), "Token must be at most 256 characters long."),
    ])
    func setTokenErrors(token: String, confirm: String, message: String) async throws {
        let f = try Fixture()
        let error = try #require(
            await callError(
                f.router, "POST", "/api/setup/set-token",
                body: ["token": .string(token), "confirm_token": .string(confirm)]))
        #expect(error.status == 400)
        #expect(error.message == message)
        #expect(try f.tokens.current().value == "generated-token-0123456789abcdefghijklmnopqrstuv")
    }

    @Test func setTokenRefusedWhenTheEnvironmentControlsIt() async throws {
        let f = try Fixture(tokens: MemoryTokenStore("from-the-environment", source: .environment))
        let error = try #require(
            await callError(
                f.router, "POST", "/api/setup/set-token",
                body: ["token": "my-custom-password", "confirm_token": "my-custom-password"]))
        #expect(error.message == "Token is controlled by WEB_AUTH_TOKEN environment variable and cannot be changed.")
        #expect(try f.tokens.current().value == "from-the-environment")
    }

    @Test func setTokenReplacesIt() async throws {
        let f = try Fixture()
        let body = try await call(
            f.router, "POST", "/api/setup/set-token",
            body: ["token": "my-custom-password", "confirm_token": "my-custom-password"]
        ).json
        #expect(body == ["success": true])
        #expect(try f.tokens.current() == ApplianceToken(value: "my-custom-password", source: .config))
    }

    @Test func completeMarksSetupDoneForTheAuthGateAndAfterARestart() async throws {
        let f = try Fixture(settings: PlexConnectionSettings(url: FakePlex.reachable, token: FakePlex.goodToken, selectedLibraries: ["2"]))
        _ = try await call(f.router, "POST", "/api/setup/state", body: ["step": 5, "data": ["x": 1]])
        #expect(!f.tracker.isComplete)
        #expect(try await call(f.router, "POST", "/api/setup/complete").json == ["success": true, "redirect": "/"])
        #expect(f.tracker.isComplete)
        #expect(try SetupTracker(store: f.store).isComplete)
        let status = try await call(f.router, "GET", "/api/setup/status").json
        #expect(status == ["configured": true, "setup_complete": true, "current_step": 0, "plex_authenticated": true])
        #expect(try await call(f.router, "GET", "/api/setup/state").json == ["step": 1, "data": [:]])
    }

    @Test func completeRejectsALibraryThatDoesNotExist() async throws {
        let f = try Fixture(settings: PlexConnectionSettings(url: FakePlex.reachable, token: FakePlex.goodToken, selectedLibraries: ["1", "42"]))
        let error = try #require(await callError(f.router, "POST", "/api/setup/complete"))
        #expect(error.status == 400)
        #expect(error.message == "Selected library does not exist on the Plex server.")
        #expect(error.detail == "Unknown library id: 42")
        #expect(!f.tracker.isComplete)
    }
}
