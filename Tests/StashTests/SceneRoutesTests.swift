import Core
import Stash
import Store
import TestSupport
import Testing

/// `GET /scenes/` with every filter, sort and page parameter, search, one scene, the summary and the
/// entities, over a copy of the fake's 240 scenes (see `FakeStash.seed` for the rules tested against).
@Suite struct SceneRoutesTests {
    /// A fixture with the fake's data synced.
    func synced() async throws -> StashFixture {
        let fixture = try StashFixture()
        let job = try await fixture.sync("/api/v1/sync/all")
        #expect(job.status == .completed)
        return fixture
    }

    func ids(_ page: JSON) -> [String] {
        page["items"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
    }

    @Test func pages() async throws {
        let fixture = try await synced()
        defer { Task { await fixture.stop() } }
        let first = try await fixture.owner("GET", "/api/v1/scenes/")
        #expect(first["total"] == 240 && first["page"] == 1 && first["per_page"] == 50 && first["pages"] == 5)
        #expect(ids(first).count == 50)
        let last = try await fixture.owner("GET", "/api/v1/scenes?page=3&per_page=100")
        #expect(ids(last).count == 40 && last["pages"] == 3)
        let beyond = try await fixture.owner("GET", "/api/v1/scenes?page=9&per_page=100")
        #expect(ids(beyond).isEmpty && beyond["total"] == 240)
        // Pages do not overlap and cover everything.
        var all: [String] = []
        for page in 1...3 { all += ids(try await fixture.owner("GET", "/api/v1/scenes?page=\(page)&per_page=100&sort_by=title")) }
        #expect(Set(all).count == 240)
        let item = try #require(first["items"]?.arrayValue?.first)
        #expect(item["id"] == "1" && item["title"] == "Scene 1 Harbor" && item["paths"] == ["/media/stash/Studio 2/Scene 1.mp4"])
        #expect(item["scene_date"] == "2020-01-02T00:00:00" && item["created_date"] == "2024-01-01T00:01:00Z")
        #expect(item["studio"] == ["id": "2", "name": "Studio 2"] && item["performers"] == [["id": "2", "name": "Performer 2"]])
        #expect(item["tags"] == [["id": "2", "name": "Tag 2"]] && item["organized"] == false && item["last_synced"]?.stringValue != nil)
        for bad in ["page=0", "page=x", "per_page=101", "per_page=0", "page=100001"] {
            try await fixture.owner("GET", "/api/v1/scenes?\(bad)", expect: 400)
        }
    }

    @Test func sorts() async throws {
        let fixture = try await synced()
        defer { Task { await fixture.stop() } }
        #expect(ids(try await fixture.owner("GET", "/api/v1/scenes?per_page=3")) == ["1", "2", "3"])
        #expect(ids(try await fixture.owner("GET", "/api/v1/scenes?per_page=3&sort_order=desc")) == ["240", "239", "238"])
        #expect(ids(try await fixture.owner("GET", "/api/v1/scenes?per_page=3&sort_by=date&sort_order=desc")) == ["240", "239", "238"])
        #expect(ids(try await fixture.owner("GET", "/api/v1/scenes?per_page=3&sort_by=title")) == ["1", "10", "100"])
        // rating100 = n * 7 % 101: the highest is 100 (n = 43, 144), ties by id.
        let rated = try await fixture.owner("GET", "/api/v1/scenes?per_page=2&sort_by=rating&sort_order=desc")
        #expect(rated["items"]?.arrayValue?.map { $0["rating"] } == [100, 100])
        for sort in ["created_date", "updated_at", "last_synced", "scene_date", "id"] {
            let page = try await fixture.owner("GET", "/api/v1/scenes?per_page=100&sort_by=\(sort)")
            #expect(ids(page).count == 100, "\(sort)")
        }
        try await fixture.owner("GET", "/api/v1/scenes?sort_by=colour", expect: 400)
        try await fixture.owner("GET", "/api/v1/scenes?sort_order=sideways", expect: 400)
    }

    @Test func filters() async throws {
        let fixture = try await synced()
        defer { Task { await fixture.stop() } }
        let studio = try await fixture.owner("GET", "/api/v1/scenes?studio_id=3&per_page=100")
        let expected = (1...240).filter { $0 % 8 != 0 && $0 % 15 + 1 == 3 }.map { "\($0)" }
        #expect(Set(ids(studio)) == Set(expected) && studio["total"] == JSON(expected.count))
        let organized = try await fixture.owner("GET", "/api/v1/scenes?organized=true&per_page=100")
        #expect(organized["total"] == 80 && organized["items"]?.arrayValue?.allSatisfy { $0["organized"] == true } == true)
        #expect(try await fixture.owner("GET", "/api/v1/scenes?organized=false")["total"] == 160)
        let performers = try await fixture.owner("GET", "/api/v1/scenes?performer_ids=1,2&per_page=100")
        #expect(
            performers["items"]?.arrayValue?.allSatisfy { scene in
                scene["performers"]?.arrayValue?.contains { $0["id"] == "1" || $0["id"] == "2" } == true
            } == true)
        let withPerformers = (1...240).filter { n in
            ([n % 60 + 1] + (n % 2 == 0 ? [(n + 7) % 60 + 1] : [])).contains { $0 == 1 || $0 == 2 }
        }
        #expect(performers["total"] == JSON(withPerformers.count))
        let tags = try await fixture.owner("GET", "/api/v1/scenes?tag_ids=5&per_page=100")
        #expect(
            tags["total"] != 0
                && tags["items"]?.arrayValue?.allSatisfy { scene in
                    scene["tags"]?.arrayValue?.contains { $0["id"] == "5" } == true
                } == true)
        let dates = try await fixture.owner("GET", "/api/v1/scenes?date_from=2020-01-10&date_to=2020-01-19&per_page=100")
        #expect(Set(ids(dates)) == Set((9...18).map { "\($0)" }))
        let times = try await fixture.owner("GET", "/api/v1/scenes?date_from=2020-01-10T00:00:00&date_to=2020-01-19T23:59:59Z")
        #expect(times["total"] == 10)
        let combined = try await fixture.owner("GET", "/api/v1/scenes?studio_id=3&organized=true&date_to=2020-06-30")
        #expect(combined["total"] == JSON(expected.filter { Int($0)! % 3 == 0 && Int($0)! <= 181 }.count))
        for bad in [
            "organized=maybe", "date_from=2020-02-30", "date_from=yesterday", "date_to=2020-13-01",
            "date_from=2020-02-01&date_to=2020-01-01", "studio_id=\(String(repeating: "9", count: 65))",
            "performer_ids=" + (1...51).map(String.init).joined(separator: ","), "search=a%01b",
        ] {
            try await fixture.owner("GET", "/api/v1/scenes?\(bad)", expect: 400)
        }
    }

    @Test func search() async throws {
        let fixture = try await synced()
        defer { Task { await fixture.stop() } }
        // Titles: "Scene n <word>", word = words[n % 10]; "Velvet" is n % 10 == 2.
        let velvet = try await fixture.owner("GET", "/api/v1/scenes?search=velvet&per_page=100")
        #expect(velvet["total"] == 24 && ids(velvet).allSatisfy { Int($0)! % 10 == 2 })
        // Details: "A harbor scene, number n."; words must all match, the last as a prefix.
        let numbered = try await fixture.owner("GET", "/api/v1/scenes?search=number%2017&per_page=100")
        #expect(Set(ids(numbered)) == Set(["17"] + (170...179).map { "\($0)" }))
        let prefix = try await fixture.owner("GET", "/api/v1/scenes?search=harb")
        #expect(prefix["total"] == 24)
        #expect(try await fixture.owner("GET", "/api/v1/scenes?search=%21%21%21")["total"] == 0)
        #expect(try await fixture.owner("GET", "/api/v1/scenes?search=%22velvet%20OR")["total"] == 0)
        let filtered = try await fixture.owner("GET", "/api/v1/scenes?search=velvet&organized=true")
        #expect(filtered["total"] == 8)
    }

    @Test func oneSceneAndTheSummary() async throws {
        let fixture = try await synced()
        defer { Task { await fixture.stop() } }
        let scene = try await fixture.owner("GET", "/api/v1/scenes/12")
        #expect(scene["title"] == "Scene 12 Velvet" && scene["rating"] == 84 && scene["urls"] == ["https://example.com/scenes/12"])
        let file = try #require(scene["files"]?.arrayValue?.first)
        #expect(file["path"] == "/media/stash/Studio 13/Scene 12.mp4" && file["width"] == 1920 && file["video_codec"] == "h264")
        #expect(file["fingerprints"] == [["type": "oshash", "value": "0000000000012"]])
        try await fixture.owner("GET", "/api/v1/scenes/9999", expect: 404)
        let summary = try await fixture.owner("GET", "/api/v1/scenes/stats/summary")
        #expect(summary["total_scenes"] == 240 && summary["organized_scenes"] == 80 && summary["organization_percentage"] == 33.3)
        #expect(summary["total_tags"] == 40 && summary["total_performers"] == 60 && summary["total_studios"] == 15)
        let studio2 = (1...240).filter { $0 % 8 != 0 && $0 % 15 + 1 == 2 }.count
        #expect(summary["scenes_by_studio"]?["Studio 2"] == JSON(studio2))
    }

    @Test func entities() async throws {
        let fixture = try await synced()
        defer { Task { await fixture.stop() } }
        let performers = try await fixture.owner("GET", "/api/v1/entities/performers")
        #expect(performers.arrayValue?.count == 60)
        let seven = try await fixture.owner("GET", "/api/v1/entities/performers?search=P7%20Alias")
        #expect(seven.arrayValue?.map { $0["id"] } == ["7"])
        #expect(seven.arrayValue?.first?["aliases"] == ["P7 Alias", "Perf 7"] && seven.arrayValue?.first?["gender"] == "MALE")
        let count = (1...240).filter { $0 % 60 + 1 == 7 || ($0 % 2 == 0 && ($0 + 7) % 60 + 1 == 7) }.count
        #expect(seven.arrayValue?.first?["scene_count"] == JSON(count))
        let tags = try await fixture.owner("GET", "/api/v1/entities/tags?search=tag-4")
        #expect(Set(tags.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []) == ["4", "40"])
        let studios = try await fixture.owner("GET", "/api/v1/entities/studios")
        #expect(studios.arrayValue?.count == 15)
        #expect(studios.arrayValue?.first { $0["id"] == "6" }?["parent_id"] == "1")
        #expect(try await fixture.owner("GET", "/api/v1/entities/studios?search=%25").arrayValue?.isEmpty == true)
        try await fixture.owner("GET", "/api/v1/entities/tags?search=\(String(repeating: "x", count: 201))", expect: 400)
    }
}
