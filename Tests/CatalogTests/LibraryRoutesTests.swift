@testable import CatalogFixtures
import Core
import TestSupport
import Testing

@testable import Catalog

/// 003's libraries: folders under the roots only, names unique, grants decide what a user sees.
@Suite struct LibraryRoutesTests {
    @Test func anAdminDefinesALibraryAndAUserSeesItOnlyOnceGranted() async throws {
        let fixture = try CatalogFixture()
        defer { Task { await fixture.stop() } }
        try FileSystem.makeDirectories(fixture.media + "/movies")
        let created = try await fixture.owner(
            "POST", "/api/v1/libraries", json: ["name": "Movies", "type": "movie", "paths": [.string(fixture.media + "/movies")]], expect: 201)
        let id = try #require(created["id"]?.stringValue)
        #expect(created["paths"] == [.string(fixture.media + "/movies")])
        #expect(created["realtime_monitoring"] == true)
        #expect(created["latest_scan"] == .null)

        let user = try await fixture.signedInUser("ann")
        let hidden = try await fixture.request("GET", "/api/v1/libraries", headers: user.headers)
        #expect(hidden.status == 200)
        #expect(try JSON.parseStrict(hidden.body)["total"] == 0)
        #expect(try await fixture.request("GET", "/api/v1/libraries/\(id)", headers: user.headers).status == 404)
        // A user cannot grant themselves anything.
        #expect(try await fixture.request(
            "POST", "/api/v1/libraries/\(id)/permissions", headers: user.headers, json: ["user_id": .string(user.id), "permission": "view"]).status == 403)

        _ = try await fixture.owner(
            "POST", "/api/v1/libraries/\(id)/permissions", json: ["user_id": .string(user.id), "permission": "view"], expect: 201)
        let granted = try JSON.parseStrict(try await fixture.request("GET", "/api/v1/libraries", headers: user.headers).body)
        #expect(granted["total"] == 1)
        let grants = try await fixture.owner("GET", "/api/v1/libraries/\(id)/permissions")
        #expect(grants["total"] == 1)
        _ = try await fixture.owner("DELETE", "/api/v1/libraries/\(id)/permissions/\(user.id)", expect: 204)
        #expect(try await fixture.request("GET", "/api/v1/libraries/\(id)", headers: user.headers).status == 404)
    }

    @Test(arguments: [
        ("/etc", "outside the library roots"), ("relative/path", "not an absolute path"), ("/nonexistent/folder", "not an existing folder"),
    ])
    func foldersOutsideTheRootsOrMissingAreRefused(path: String, reason: String) async throws {
        let fixture = try CatalogFixture()
        defer { Task { await fixture.stop() } }
        let reply = try await fixture.request(
            "POST", "/api/v1/libraries", headers: ["X-Auth-Token": CatalogFixture.token],
            json: ["name": "Bad", "type": "movie", "paths": [.string(path)]])
        #expect(reply.status == 400)
        #expect(reply.text.contains(reason))
    }

    @Test func aLinkOutOfTheRootsIsRefusedAndNamesAreUnique() async throws {
        let fixture = try CatalogFixture()
        defer { Task { await fixture.stop() } }
        let link = fixture.media + "/escape"
        #expect(symlink("/etc", link) == 0)
        let escaped = try await fixture.request(
            "POST", "/api/v1/libraries", headers: ["X-Auth-Token": CatalogFixture.token],
            json: ["name": "Escape", "type": "movie", "paths": [.string(link)]])
        #expect(escaped.status == 400)
        _ = try await fixture.owner("POST", "/api/v1/libraries", json: ["name": "TV", "type": "tvshow", "paths": [.string(fixture.media)]], expect: 201)
        let again = try await fixture.request(
            "POST", "/api/v1/libraries", headers: ["X-Auth-Token": CatalogFixture.token],
            json: ["name": "tv", "type": "tvshow", "paths": [.string(fixture.media)]])
        #expect(again.status == 409)
        let music = try await fixture.request(
            "POST", "/api/v1/libraries", headers: ["X-Auth-Token": CatalogFixture.token],
            json: ["name": "Music", "type": "music", "paths": [.string(fixture.media)]])
        #expect(music.status == 400)
    }
}

#if canImport(Glibc)
    import Glibc
#endif
