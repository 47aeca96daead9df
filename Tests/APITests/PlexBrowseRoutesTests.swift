import Core
import TestSupport
import Testing

@testable import HTTP
@testable import Routes

/// 001's `/api/v1/plex/*` against `fake_plex.py`: answers, paging, the sort whitelist, limits, Plex
/// down, a refused token, no Plex configured, permissions and the cache.
@Suite(.enabled(if: FixtureServer.isAvailable))
struct PlexBrowseRoutesTests {
    /// One fake Plex for the tests that only read it (the cache test starts its own, to count requests).
    static let plex = SharedFixture { try FixtureServer(script: "fake_plex.py") }

    static func server(url: String, token: String = "fake-plex-token") throws -> TestServer {
        let browser = PlexBrowser(clientIdentifier: "test-client") { PlexBrowseSettings(url: url, token: token, timeoutSeconds: 5) }
        return try TestServer(routes: PlexBrowseRoutes(browser: browser).routes, verifiers: [BrowseUsers()])
    }

    static func server() async throws -> TestServer {
        try server(url: try await plex.get().baseURL)
    }

    @Test func serverFactsAndLibraries() async throws {
        let server = try await Self.server()
        let info = try await server.call("GET", "/api/v1/plex/server")
        #expect(info.status == 200)
        #expect(
            info.json == [
                "success": true,
                "data": [
                    "name": "Fake Plex Server", "version": "1.43.1.10611-1e34174b1", "platform": "Linux",
                    "machineIdentifier": "a1b2c3d4e5f60718293a4b5c6d7e8f9012345678", "libraries": 2, "users": 2,
                ],
            ])
        let libraries = try await server.call("GET", "/api/v1/plex/libraries")
        #expect(
            libraries.json == [
                "success": true,
                "data": [
                    "libraries": [
                        ["key": "1", "title": "Movies", "type": "movie", "count": 3], ["key": "2", "title": "TV Shows", "type": "show", "count": 1],
                    ]
                ],
            ])
    }

    @Test func itemsArePagedAndSortedThroughPlexContainerHeaders() async throws {
        let fake = try await Self.plex.get()
        let server = try Self.server(url: fake.baseURL)
        let first = try await server.call("GET", "/api/v1/plex/libraries/1/items?page=1&limit=2&sort=addedAt:desc")
        #expect(first.status == 200)
        let items = first.json["data"]?["items"]?.arrayValue ?? []
        #expect(items.map { $0["ratingKey"] } == ["3", "2"])
        #expect(
            first.json["data"]?["pagination"]
                == [
                    "page": 1, "limit": 2, "total": 3, "totalPages": 2, "totalItems": 3, "itemsPerPage": 2, "hasNext": true, "hasPrev": false,
                ])
        let movie = try #require(items.first)
        #expect(movie["title"] == "Amélie & Co")
        #expect(movie["type"] == "movie")
        #expect(movie["year"] == 2001)
        #expect(movie["key"] == "/library/metadata/3")
        #expect(movie["thumb"] == "/library/metadata/3/thumb/1700003000")
        #expect(movie["addedAt"] == 1_700_003_000)
        #expect(movie["duration"] == 30023)
        #expect(movie["summary"] == "About Amélie & Co.")

        let second = try await server.call("GET", "/api/v1/plex/libraries/1/items?page=2&limit=2&sort=addedAt:desc")
        #expect(second.json["data"]?["items"]?.arrayValue?.map { $0["ratingKey"] } == ["1"])
        #expect(second.json["data"]?["pagination"]?["hasNext"] == false)
        #expect(second.json["data"]?["pagination"]?["hasPrev"] == true)
        let byTitle = try await server.call("GET", "/api/v1/plex/libraries/1/items?sort=titleSort")
        #expect(byTitle.json["data"]?["items"]?.arrayValue?.map { $0["title"] } == ["Amélie & Co", "Big Buck Bunny", "Test Movie H264"])

        // The page went to Plex as container headers, the token as a header, never in the URL.
        let asked = try await fakePlexRequests(fake).filter { ($0["path"]?.stringValue ?? "").hasPrefix("/library/sections/1/all?sort=addedAt") }
        let headers = asked.compactMap { $0["headers"]?.objectValue }
        #expect(headers.contains { $0["X-Plex-Container-Start"] == "2" && $0["X-Plex-Container-Size"] == "2" })
        #expect(headers.allSatisfy { $0["X-Plex-Token"] == "fake-plex-token" && $0["Accept"] == "application/json" })
        #expect(!second.json.encodedString.contains("fake-plex-token"))
    }

    @Test func searchRecentlyAddedAndCollections() async throws {
        let server = try await Self.server()
        let search = try await server.call("GET", "/api/v1/plex/search?query=fake&limit=10")
        #expect(search.status == 200)
        let results = search.json["data"]?["results"]?.arrayValue ?? []
        #expect(results.map { $0["title"] } == ["Fake Show", "Fake Movie Collection", "Fake Show Collection"])
        #expect(search.json["data"]?["total"] == 3)
        #expect(search.json["data"]?["query"] == "fake")
        let one = try await server.call("GET", "/api/v1/plex/search?query=fake&limit=1")
        #expect(one.json["data"]?["results"]?.arrayValue?.count == 1)

        let recent = try await server.call("GET", "/api/v1/plex/recently-added?limit=3")
        #expect(recent.json["data"]?["items"]?.arrayValue?.map { $0["ratingKey"] } == ["204", "203", "202"])
        #expect(recent.json["data"]?["items"]?.arrayValue?.first?["grandparentTitle"] == "Fake Show")

        let collections = try await server.call("GET", "/api/v1/plex/libraries/1/collections")
        #expect(collections.json["data"]?["total"] == 1)
        let collection = try #require(collections.json["data"]?["collections"]?.arrayValue?.first)
        #expect(collection["ratingKey"] == "500")
        #expect(collection["type"] == "collection")
        #expect(collection["childCount"] == 2)

        let detail = try await server.call("GET", "/api/v1/plex/collections/500")
        #expect(detail.status == 200)
        #expect(detail.json["data"]?["collection"]?["title"] == "Fake Movie Collection")
        #expect(detail.json["data"]?["items"]?.arrayValue?.map { $0["ratingKey"] } == ["1", "2"])
        #expect(detail.json["data"]?["total"] == 2)
    }

    @Test(arguments: [
        "/api/v1/plex/collections/1", "/api/v1/plex/collections/999", "/api/v1/plex/libraries/9/items", "/api/v1/plex/libraries/9/collections",
    ])
    func whatPlexDoesNotHaveIs404(path: String) async throws {
        let server = try await Self.server()
        let answer = try await server.call("GET", path)
        #expect(answer.status == 404)
        #expect(answer.json["code"] == "NOT_FOUND")
    }

    @Test(arguments: [
        "/api/v1/plex/libraries/1/items?sort=bogus", "/api/v1/plex/libraries/1/items?sort=addedAt:sideways",
        "/api/v1/plex/libraries/1/items?sort=addedAt,title", "/api/v1/plex/libraries/1/items?limit=0",
        "/api/v1/plex/libraries/1/items?limit=101", "/api/v1/plex/libraries/1/items?page=0", "/api/v1/plex/libraries/1/items?limit=ten",
        "/api/v1/plex/libraries/abc/items", "/api/v1/plex/libraries/0/items", "/api/v1/plex/collections/col-123",
        "/api/v1/plex/search", "/api/v1/plex/search?query=%20", "/api/v1/plex/search?query=a&limit=0",
        "/api/v1/plex/search?query=\(String(repeating: "a", count: 201))", "/api/v1/plex/recently-added?limit=500",
    ])
    func badInputIs400(path: String) async throws {
        let server = try await Self.server()
        let answer = try await server.call("GET", path)
        #expect(answer.status == 400)
        #expect(answer.json["code"] == "VALIDATION_ERROR")
    }

    @Test func plexDownIs504() async throws {
        // Port 1 on loopback: nothing listens, the connection is refused.
        let server = try Self.server(url: "http://127.0.0.1:1")
        for path in ["/api/v1/plex/server", "/api/v1/plex/libraries", "/api/v1/plex/search?query=x"] {
            let answer = try await server.call("GET", path)
            #expect(answer.status == 504)
            #expect(answer.json["code"] == "PLEX_UNREACHABLE")
        }
    }

    @Test func aTokenThatMayNotListAccountsLeavesUsersOut() async throws {
        let plex = try LoopbackHTTPServer { request in
            switch request.path {
            case "/": .text(200, #"{"MediaContainer": {"friendlyName": "Shared", "version": "1.2", "platform": "Linux", "machineIdentifier": "m1"}}"#)
            case "/library/sections": .text(200, #"{"MediaContainer": {"size": 1, "Directory": [{"key": "1", "title": "Movies", "type": "movie"}]}}"#)
            default: .text(401, "<html>401 Unauthorized</html>")
            }
        }
        let answer = try await Self.server(url: plex.baseURL).call("GET", "/api/v1/plex/server")
        #expect(answer.status == 200)
        #expect(answer.json["data"]?["users"] == .null)
        #expect(answer.json["data"]?["libraries"] == 1)
    }

    @Test func aSlowPlexIs504() async throws {
        let fake = try await FixtureServer.start(script: "fake_plex.py", arguments: ["--hang"])
        let browser = PlexBrowser(clientIdentifier: "test-client") {
            PlexBrowseSettings(url: fake.baseURL, token: "fake-plex-token", timeoutSeconds: 1)
        }
        let server = try TestServer(routes: PlexBrowseRoutes(browser: browser).routes, verifiers: [BrowseUsers()])
        let answer = try await server.call("GET", "/api/v1/plex/recently-added")
        #expect(answer.status == 504)
        #expect(answer.json["code"] == "PLEX_UNREACHABLE")
    }

    @Test(arguments: [
        (200, "<html><body>Plex</body></html>"), (200, "{\"MediaContainer\": {\"size\": 1, "), (200, "{\"other\": 1}"), (500, "oops"),
    ])
    func anAnswerThatIsNotPlexsIs502(status: Int, body: String) async throws {
        let odd = try LoopbackHTTPServer { _ in .text(status, body) }
        let server = try Self.server(url: odd.baseURL)
        let answer = try await server.call("GET", "/api/v1/plex/recently-added")
        #expect(answer.status == 502)
        #expect(answer.json["code"] == "UPSTREAM_ERROR")
        let text = answer.json.encodedString
        #expect(!text.contains("oops"))
    }

    @Test func aRefusedTokenIsPlexUnauthorized() async throws {
        let server = try Self.server(url: try await Self.plex.get().baseURL, token: "wrong-token")
        let answer = try await server.call("GET", "/api/v1/plex/libraries/1/items")
        #expect(answer.status == 400)
        #expect(answer.json["code"] == "PLEX_UNAUTHORIZED")
        #expect(!answer.json.encodedString.contains("wrong-token"))
    }

    @Test(arguments: [("", "fake-plex-token"), ("http://127.0.0.1:1", ""), ("not a url", "fake-plex-token")])
    func noUsablePlexSettingsIs503(url: String, token: String) async throws {
        let server = try Self.server(url: url, token: token)
        let answer = try await server.call("GET", "/api/v1/plex/server")
        #expect(answer.status == 503)
        #expect(answer.json["code"] == "PLEX_NOT_CONFIGURED")
    }

    @Test func browsingNeedsPlexRead() async throws {
        let server = try Self.server(url: "")
        #expect(try await server.call("GET", "/api/v1/plex/libraries", as: "guest").status == 403)
        #expect(try await server.call("GET", "/api/v1/plex/libraries", as: "nobody").status == 401)
    }

    @Test func answersWithinTheirLifetimeDoNotReachPlex() async throws {
        let fake = try await FixtureServer.start(script: "fake_plex.py")
        let server = try Self.server(url: fake.baseURL)
        let paths = [
            "/api/v1/plex/server", "/api/v1/plex/libraries", "/api/v1/plex/libraries/1/items?limit=2&sort=year:desc",
            "/api/v1/plex/search?query=fake", "/api/v1/plex/recently-added", "/api/v1/plex/libraries/1/collections",
            "/api/v1/plex/collections/500",
        ]
        var first: [JSON] = []
        for path in paths { first.append(try await server.call("GET", path).json) }
        let asked = try await fakePlexRequests(fake).count
        var second: [JSON] = []
        for path in paths { second.append(try await server.call("GET", path).json) }
        #expect(second == first)
        #expect(try await fakePlexRequests(fake).count == asked)
        // Another page is another question.
        _ = try await server.call("GET", "/api/v1/plex/libraries/1/items?limit=2&page=2&sort=year:desc")
        #expect(try await fakePlexRequests(fake).count == asked + 1)
    }
}

/// The browse cache's bounds and the compact item shape, without a server.
struct PlexBrowseUnitTests {
    @Test func theCacheKeepsToItsEntriesAndBytes() {
        let cache = AnswerCache(maxEntries: 3, maxBytes: 4000)
        for n in 0..<5 { cache.store(["n": JSON(n)], for: "k\(n)", lifetime: 60, now: 0) }
        #expect(cache.usage.entries == 3)
        #expect(cache.value(for: "k0", now: 1) == nil)
        #expect(cache.value(for: "k4", now: 1) == ["n": 4])
        // Too large for a quarter of the bytes: not kept.
        cache.store(.string(String(repeating: "x", count: 1500)), for: "big", lifetime: 60, now: 1)
        #expect(cache.value(for: "big", now: 1) == nil)
        for n in 0..<3 { cache.store(.string(String(repeating: "y", count: 900)), for: "y\(n)", lifetime: 60, now: 1) }
        #expect(cache.usage.bytes <= 4000)
        // Past its lifetime an entry is gone.
        #expect(cache.value(for: "y2", now: 61.5) == nil)
    }

    @Test func imagePathsCarryNoTokenOrServer() {
        #expect(PlexBrowseJSON.imagePath("/library/metadata/1/thumb/2?X-Plex-Token=secret") == "/library/metadata/1/thumb/2")
        #expect(PlexBrowseJSON.imagePath("http://10.0.0.2:32400/library/metadata/1/thumb/2") == .null)
        #expect(PlexBrowseJSON.imagePath("//evil.example/x") == .null)
        #expect(PlexBrowseJSON.imagePath(.int(3)) == .null)
    }

    @Test func entriesWithoutAKeyOrTitleAreSkipped() {
        #expect(PlexBrowseJSON.item(["title": "No key"]) == nil)
        #expect(PlexBrowseJSON.item(["ratingKey": 7]) == nil)
        let item = PlexBrowseJSON.item(["ratingKey": 7, "title": "T", "year": "1999"])
        #expect(item?["ratingKey"] == "7")
        #expect(item?["key"] == "/library/metadata/7")
        #expect(item?["year"] == 1999)
        #expect(item?["thumb"] == .null)
    }
}

extension JSON {
    fileprivate var encodedString: String { String(decoding: encoded(), as: UTF8.self) }
}
