import Fetch
import Plex
import TestSupport
import Testing

@Suite(.enabled(if: FixtureServer.isAvailable, "python3 is needed for the fake Plex"))
struct PlexServerClientTests {
    @Test func identityAndSections() async throws {
        let fake = try await FakePlex.start(["--name", "Den"])
        let pms = fake.pms()
        let open = try await fake.pms(token: "none").publicIdentity()
        #expect(open.machineIdentifier.count == 40 && open.friendlyName.isEmpty)
        let identity = try await pms.identity()
        #expect(identity.friendlyName == "Den" && identity.version.hasPrefix("1.43.1") && identity.machineIdentifier.count == 40)
        let sections = try await pms.sections()
        #expect(sections.map(\.id) == ["1", "2"])
        #expect(sections.map(\.type) == ["movie", "show"])
        #expect(sections.first?.locations == ["/media/Movies"])
        #expect(sections.map(\.videoItemType) == [1, 4])
        #expect(try await pms.itemCount(sectionID: "1") == 3)
        #expect(try await pms.itemCount(sectionID: "2") == 1)
        #expect(try await pms.itemCount(sectionID: "2", type: 4) == 4)
    }

    @Test func itemsArePagedAndHashesComeFromTheTree() async throws {
        let fake = try await FakePlex.shared.get()
        var pms = fake.pms()
        pms.pageSize = 2
        let movies = try await pms.allItems(sectionID: "1", type: 1)
        #expect(movies.map(\.ratingKey) == ["1", "2", "3"])
        #expect(movies.first?.displayTitle == "Test Movie H264 (2024)")
        let part = try #require(movies.first?.parts.first)
        #expect(part.file == "/media/Movies/Test Movie H264 (2024)/Test Movie H264 (2024).mkv")
        #expect(part.hash == nil && part.size == 12_213_300 && part.duration == 30023)
        let tree = try await pms.parts(ratingKey: "1")
        #expect(tree.map(\.hash) == ["9f0965f0bd293b803661ba0d9b005c055ce7f683"])
        #expect(tree.first?.file == part.file)
        // Entities in attribute values are decoded.
        #expect(try await pms.parts(ratingKey: "3").first?.file == "/media/Movies/Amélie & Co (2001)/Amélie & Co (2001).mkv")
        let episodes = try await pms.allItems(sectionID: "2", type: 4)
        #expect(episodes.count == 4)
        #expect(episodes[1].displayTitle == "Fake Show S01E02 Episode 2")
    }

    @Test func hashesInTheListingAreUsedWhenPresent() async throws {
        let fake = try await FakePlex.start(["--hash-in-list", "--movie", "/srv/films/One.mkv"])
        let items = try await fake.pms().allItems(sectionID: "1", type: 1)
        #expect(items.count == 1)
        #expect(items.first?.parts.first?.file == "/srv/films/One.mkv")
        #expect(items.first?.parts.first?.hash?.count == 40)
    }

    @Test func missingSectionsAndItemsAreNotFound() async throws {
        let fake = try await FakePlex.shared.get()
        let section = await #expect(throws: PlexError.self) { try await fake.pms().items(sectionID: "9", type: 1, start: 0, size: 10) }
        #expect(section?.kind == .notFound)
        let item = await #expect(throws: PlexError.self) { try await fake.pms().parts(ratingKey: "4242") }
        #expect(item?.kind == .notFound)
    }

    @Test func aWrongTokenIsUnauthorizedAndNeverLogged() async throws {
        let fake = try await FakePlex.shared.get()
        let error = await #expect(throws: PlexError.self) { try await fake.pms(token: "wrong-secret").identity() }
        #expect(error?.kind == .unauthorized && error?.status == 401)
        #expect(error.map { "\($0)".contains("wrong-secret") } == false)
    }

    @Test func sessionsAreCounted() async throws {
        let fake = try await FakePlex.start(["--sessions", "2"])
        #expect(try await fake.pms().activeSessionCount() == 2)
        try await fake.control("sessions/0")
        #expect(try await fake.pms().activeSessionCount() == 0)
    }

    @Test func aServerThatNeverAnswersTimesOut() async throws {
        let fake = try await FakePlex.start(["--hang"])
        let error = await #expect(throws: PlexError.self) { try await fake.pms(timeout: 0.5).identity() }
        #expect(error?.kind == .timeout)
        let tv = PlexTVClient(
            client: fake.info, baseURL: fake.server.baseURL,
            fetch: FetchClient(options: FetchOptions(connectTimeout: 1, timeout: 0.5)))
        let pin = await #expect(throws: PlexError.self) { try await tv.createPin() }
        #expect(pin?.kind == .timeout)
    }

    @Test func anAddressWithNothingListeningIsUnreachable() async {
        let pms = PlexServerClient(baseURL: "http://127.0.0.1:1", token: "t", client: PlexClientInfo(clientIdentifier: "c"))
        let error = await #expect(throws: PlexError.self) { try await pms.identity() }
        #expect(error?.kind == .unreachable)
        let bad = PlexServerClient(baseURL: "192.168.1.5:32400", token: "t", client: PlexClientInfo(clientIdentifier: "c"))
        let badURL = await #expect(throws: PlexError.self) { try await bad.identity() }
        #expect(badURL?.kind == .badURL)
    }
}
