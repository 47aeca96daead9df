@testable import CatalogFixtures
import Catalog
import Core
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `/api/v1/images/{type}/{size}/{path}`: fetched once into the cache folder, served with an ETag,
/// names checked before any I/O, bad upstream images refused, the folder kept within its budget.
@Suite struct ImageRoutesTests {
    static let owner = ["X-Auth-Token": CatalogFixture.token]

    @Test func fetchesOnceThenServesFromTheCache() async throws {
        let fake = try FakeTMDb()
        let fixture = try CatalogFixture.tmdb(fake)
        let first = try await fixture.request("GET", "/api/v1/images/poster/w500/abc123.png", headers: Self.owner)
        #expect(first.status == 200)
        #expect(first.body == FakeTMDbImages.png)
        #expect(first.header("Content-Type") == "image/png")
        #expect(first.header("Cache-Control") == "public, max-age=604800, immutable")
        let etag = try #require(first.header("ETag"))
        let second = try await fixture.request("GET", "/api/v1/images/poster/w500/abc123.png", headers: Self.owner)
        #expect(second.body == FakeTMDbImages.png)
        #expect(second.header("ETag") == etag)
        #expect(fake.count("/t/p/w500/abc123.png") == 1)
        #expect(FileSystemProbe.mode(fixture.directory.file("images/w500")) == 0o750)
        #expect(FileSystemProbe.exists(fixture.directory.file("images/w500/abc123.png")))

        let unchanged = try await fixture.request(
            "GET", "/api/v1/images/poster/w500/abc123.png", headers: Self.owner.merging(["If-None-Match": etag]) { a, _ in a })
        #expect(unchanged.status == 304)
        #expect(unchanged.body.isEmpty)
        let changed = try await fixture.request(
            "GET", "/api/v1/images/poster/w500/abc123.png", headers: Self.owner.merging(["If-None-Match": "\"other\""]) { a, _ in a })
        #expect(changed.status == 200)
        await fixture.stop()
    }

    @Test func concurrentRequestsFetchOnce() async throws {
        let fake = try FakeTMDb()
        let fixture = try CatalogFixture.tmdb(fake)
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<6 {
                group.addTask { try await fixture.request("GET", "/api/v1/images/backdrop/w1280/same_one.jpg", headers: Self.owner).status }
            }
            for try await status in group { #expect(status == 200) }
        }
        #expect(fake.count("/t/p/w1280/same_one.jpg") == 1)
        await fixture.stop()
    }

    @Test(arguments: [
        "/api/v1/images/poster/w500/..%2F..%2Fetc%2Fpasswd", "/api/v1/images/poster/w500/%2e%2e", "/api/v1/images/poster/w500/..",
        "/api/v1/images/poster/w500/%2Fetc%2Fpasswd.jpg", "/api/v1/images/poster/w500//etc/passwd.jpg", "/api/v1/images/poster/w501/a.jpg",
        "/api/v1/images/poster/w1280/a.jpg", "/api/v1/images/banner/w500/a.jpg", "/api/v1/images/poster/w500/a.gif",
        "/api/v1/images/poster/w500/a.jpg.png", "/api/v1/images/poster/w500/.jpg", "/api/v1/images/poster/w500/a%20b.jpg",
        "/api/v1/images/poster/w500/\(String(repeating: "a", count: 65)).jpg", "/api/v1/images/poster/original/a.jpg%00",
    ])
    func refusesNamesBeforeAnyIO(_ path: String) async throws {
        let fake = try FakeTMDb()
        let fixture = try CatalogFixture.tmdb(fake)
        let reply = try await fixture.request("GET", path, headers: Self.owner)
        #expect([400, 404].contains(reply.status), "\(path): \(reply.status)")
        #expect(fake.seen.isEmpty)
        #expect(!FileSystemProbe.exists(fixture.directory.file("images")))
        await fixture.stop()
    }

    @Test func refusesOversizeAndNonImagesAndPassesOn404() async throws {
        let fake = try FakeTMDb()
        let fixture = try CatalogFixture.tmdb(fake) { $0.imageMaxBytes = 32 << 10 }
        #expect(try await fixture.request("GET", "/api/v1/images/poster/w500/big1.png", headers: Self.owner).status == 502)
        #expect(try await fixture.request("GET", "/api/v1/images/poster/w500/page1.png", headers: Self.owner).status == 502)
        #expect(try await fixture.request("GET", "/api/v1/images/poster/w500/missing1.png", headers: Self.owner).status == 404)
        #expect(FileSystemProbe.list(fixture.directory.file("images/w500")).isEmpty)
        #expect(try await fixture.request("GET", "/api/v1/images/poster/w500/abc.png").status == 401)
        await fixture.stop()
    }

    @Test func evictsTheLeastRecentlyUsedOverBudget() async throws {
        let fake = try FakeTMDb()
        let fixture = try CatalogFixture.tmdb(fake) { $0.imageCacheBytes = 2_500 }
        for name in ["kb1", "kb2"] {
            #expect(try await fixture.request("GET", "/api/v1/images/still/w300/\(name).png", headers: Self.owner).status == 200)
        }
        // kb1 is used again, so kb2 is the least recently used when kb3 takes the folder over 2,500 bytes.
        #expect(try await fixture.request("GET", "/api/v1/images/still/w300/kb1.png", headers: Self.owner).status == 200)
        #expect(try await fixture.request("GET", "/api/v1/images/still/w300/kb3.png", headers: Self.owner).status == 200)
        #expect(FileSystemProbe.list(fixture.directory.file("images/w300")) == ["kb1.png", "kb3.png"])
        #expect(fake.count("/t/p/w300/kb1.png") == 1)
        await fixture.stop()
    }
}

/// File facts the image tests check.
enum FileSystemProbe {
    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    static func mode(_ path: String) -> UInt32? {
        var info = stat()
        return stat(path, &info) == 0 ? UInt32(info.st_mode) & 0o7777 : nil
    }

    static func list(_ directory: String) -> [String] {
        guard let dir = opendir(directory) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if !name.hasPrefix(".") { names.append(name) }
        }
        return names.sorted()
    }
}

/// The image cache on its own: the index rebuilt from what the folder already holds.
@Suite struct ImageCacheTests {
    @Test func aRestartServesWhatTheFolderHoldsAndEvictsItFirst() async throws {
        let fake = try FakeTMDb()
        let directory = TemporaryDirectory("image-cache")
        let folder = directory.file("images")
        try FileSystem.makeDirectories(folder + "/w185", mode: 0o750)
        try FileSystem.writeAtomically(folder + "/w185/kept.png", FakeTMDbImages.png)
        try FileSystem.writeAtomically(folder + "/w185/.kept.png.tmp123", [1, 2, 3])
        let settings = CatalogSettings(libraryRoots: [], imageBaseURL: fake.imageURL, imageCacheFolder: folder, imageCacheBytes: 1_050)
        let cache = ImageCache(settings: settings)
        let kept = try await cache.image(ImageName(type: "profile", size: "w185", file: "kept.png"))
        #expect(kept.bytes == FakeTMDbImages.png)
        #expect(fake.seen.isEmpty)
        #expect(!FileSystemProbe.exists(folder + "/w185/.kept.png.tmp123"))

        // The oldest use (the file found at start) goes when a new 1,000-byte image takes the folder over budget.
        _ = try await cache.image(ImageName(type: "profile", size: "w185", file: "kb1.png"))
        #expect(FileSystemProbe.list(folder + "/w185") == ["kb1.png"])

        // A file removed behind the cache's back is fetched again.
        unlink(folder + "/w185/kb1.png")
        let again = try await cache.image(ImageName(type: "profile", size: "w185", file: "kb1.png"))
        #expect(again.bytes.count == 1_000)
        #expect(fake.count("/t/p/w185/kb1.png") == 2)
    }
}
