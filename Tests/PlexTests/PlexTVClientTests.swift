import Fetch
import Plex
import TestSupport
import Testing

@Suite(.enabled(if: FixtureServer.isAvailable, "python3 is needed for the fake Plex"))
struct PlexTVClientTests {
    @Test func pinIsPendingThenAuthorised() async throws {
        let fake = try await FakePlex.shared.get()
        let pin = try await fake.plexTV.createPin()
        #expect(pin.code.count == 25)
        #expect(!pin.isAuthenticated)
        #expect(pin.expiresAt != nil)
        let first = try await fake.plexTV.checkPin(id: pin.id)
        #expect(!first.isAuthenticated && first.authToken == nil)
        let second = try await fake.plexTV.checkPin(id: pin.id)
        #expect(second.authToken == fake.token)
    }

    @Test func pinIsAuthorisedByTheControlCall() async throws {
        let fake = try await FakePlex.start(["--pin-polls", "0"])
        let pin = try await fake.plexTV.createPin()
        #expect(try await !fake.plexTV.checkPin(id: pin.id).isAuthenticated)
        try await fake.control("pins/\(pin.id)/authorise")
        #expect(try await fake.plexTV.checkPin(id: pin.id).authToken == fake.token)
    }

    @Test func expiredOrUnknownPinIsNotFound() async throws {
        let fake = try await FakePlex.shared.get()
        let pin = try await fake.plexTV.createPin()
        try await fake.control("pins/\(pin.id)/expire")
        let expired = await #expect(throws: PlexError.self) { try await fake.plexTV.checkPin(id: pin.id) }
        #expect(expired?.kind == .notFound && expired?.status == 404)
        let unknown = await #expect(throws: PlexError.self) { try await fake.plexTV.checkPin(id: 999_999) }
        #expect(unknown?.kind == .notFound)
    }

    @Test func theAuthURLNamesTheClientAndTheCode() {
        let client = PlexTVClient(client: PlexClientInfo(clientIdentifier: "abc 1", product: "applianced"))
        let url = client.authURL(for: PlexPin(id: 1, code: "ABCD1234", expiresAt: nil, authToken: nil))
        #expect(url == "https://app.plex.tv/auth#?clientID=abc%201&code=ABCD1234&context%5Bdevice%5D%5Bproduct%5D=applianced")
    }

    @Test func serversAreTheAccountsMediaServers() async throws {
        let fake = try await FakePlex.shared.get()
        let servers = try await fake.plexTV.servers(token: fake.token)
        #expect(servers.map(\.name) == ["Fake Plex Server", "Friend's Server"])
        let mine = try #require(servers.first)
        #expect(mine.owned && mine.accessToken == fake.token)
        let preferred = try #require(mine.preferredConnection)
        #expect(preferred.host == "127.0.0.1" && preferred.port == fake.server.port && !preferred.ssl && preferred.local)
        #expect(mine.preferredURL == fake.server.baseURL)
        let friend = try #require(servers.last?.preferredConnection)
        #expect(!(servers.last?.owned ?? true))
        #expect(friend.ssl && friend.host == "192-0-2-10.f00dfeed.plex.direct" && friend.port == 32400 && !friend.local)
    }

    @Test func signInThenReadTheChosenServersLibraries() async throws {
        let fake = try await FakePlex.start(["--pin-polls", "1"])
        let pin = try await fake.plexTV.createPin()
        let token = try #require(try await fake.plexTV.checkPin(id: pin.id).authToken)
        let server = try #require(try await fake.plexTV.servers(token: token).first { $0.owned })
        let pms = PlexServerClient(
            baseURL: try #require(server.preferredURL), token: server.accessToken ?? token, client: fake.info)
        #expect(try await pms.sections().map(\.title) == ["Movies", "TV Shows"])
    }

    @Test func aWrongTokenIsUnauthorized() async throws {
        let fake = try await FakePlex.shared.get()
        let error = await #expect(throws: PlexError.self) { try await fake.plexTV.servers(token: "wrong") }
        #expect(error?.kind == .unauthorized && error?.status == 401)
    }

    @Test func theClientHeadersReachPlexTV() async throws {
        let fake = try await FakePlex.shared.get()
        _ = try await fake.plexTV.createPin()
        let seen = try await FetchClient().get("\(fake.server.baseURL)/__control/requests")
        let text = seen.text
        #expect(text.contains("\"X-Plex-Client-Identifier\": \"test-client-0001\""))
        #expect(text.contains("\"X-Plex-Product\": \"applianced\""))
        #expect(text.contains("\"Accept\": \"application/json\""))
    }
}
