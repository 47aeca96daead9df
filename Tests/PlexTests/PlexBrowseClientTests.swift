import Core
import Fetch
import Plex
import TestSupport
import Testing

/// The browse calls of `PlexServerClient` against the fake PMS: sorted pages with the container
/// headers, hub search, recently added, collections and their items, accounts, and the failures.
@Suite(.enabled(if: FixtureServer.isAvailable, "python3 is needed for the fake Plex"))
struct PlexBrowseClientTests {
    @Test func sortedPagesCarryTheTotal() async throws {
        let fake = try await FakePlex.shared.get()
        let pms = fake.pms()
        let first = try await pms.sectionPage(sectionID: "1", sort: "addedAt:desc", start: 0, size: 2)
        #expect(first.metadata.map { $0["ratingKey"] } == ["3", "2"])
        #expect(first.totalSize == 3)
        #expect(first.offset == 0)
        let second = try await pms.sectionPage(sectionID: "1", sort: "addedAt:desc", start: 2, size: 2)
        #expect(second.metadata.map { $0["ratingKey"] } == ["1"])
        #expect(second.offset == 2)
        #expect(try await pms.sectionPage(sectionID: "2", sort: nil, start: 0, size: 0).totalSize == 1)
    }

    @Test func searchRecentAndCollections() async throws {
        let fake = try await FakePlex.shared.get()
        let pms = fake.pms()
        let found = try await pms.searchHubs(query: "fake show", limit: 5)
        #expect(found.map { $0["title"] } == ["Fake Show", "Fake Show Collection"])
        #expect(found.map { $0["type"] } == ["show", "collection"])
        let recent = try await pms.recentlyAdded(size: 2)
        #expect(recent.metadata.map { $0["ratingKey"] } == ["204", "203"])
        #expect(recent.totalSize == 7)
        let collections = try await pms.collections(sectionID: "1", start: 0, size: 10)
        #expect(collections.metadata.map { $0["ratingKey"] } == ["500"])
        #expect(try await pms.metadata(ratingKey: "500")["type"] == "collection")
        let children = try await pms.collectionItems(collectionID: "500", start: 0, size: 10)
        #expect(children.metadata.map { $0["ratingKey"] } == ["1", "2"])
        #expect(try await pms.accountCount() == 2)
        let info = try await pms.serverInfo()
        #expect(info["platform"] == "Linux")
        #expect(try await pms.sectionDirectories().count == 2)
    }

    @Test func theTokenTravelsInAHeaderAndFailuresAreTyped() async throws {
        let fake = try await FakePlex.start([])
        _ = try await fake.pms().recentlyAdded(size: 1)
        #expect(try await fake.requestedPaths() == ["/library/recentlyAdded"])
        await #expect(throws: PlexError.self) { try await fake.pms(token: "wrong").recentlyAdded(size: 1) }
        do {
            _ = try await fake.pms(token: "wrong").serverInfo()
            Issue.record("Plex answered")
        } catch {
            #expect(error.kind == .unauthorized)
        }
        do {
            _ = try await fake.pms().collectionItems(collectionID: "999", start: 0, size: 1)
            Issue.record("Plex answered")
        } catch {
            #expect(error.kind == .notFound)
        }
        do {
            _ = try await fake.pms().metadata(ratingKey: "12345")
            Issue.record("Plex answered")
        } catch {
            #expect(error.kind == .notFound)
        }
    }
}
