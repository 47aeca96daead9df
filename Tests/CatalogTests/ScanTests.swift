@testable import CatalogFixtures
import Core
import Store
import TestSupport
import Testing

@testable import Catalog

#if canImport(Glibc)
    import Glibc
#endif

/// Scans by name (probing off): what they add, keep, move and drop, and the problems they record.
@Suite struct ScanTests {
    static func names(_ settings: inout CatalogSettings) {
        settings.probeFiles = false
        settings.missingGraceMilliseconds = 0
    }

    @Test func aMovieScanAddsKeepsMovesAndDrops() async throws {
        let fixture = try CatalogFixture(settings: Self.names)
        defer { Task { await fixture.stop() } }
        let folder = fixture.media + "/movies"
        try MediaTree.write(folder, [
            "The Matrix (1999)/The Matrix (1999).mkv", "The Matrix (1999)/The Matrix (1999)-sample.mkv",
            "Alien (1979) {tmdb-348}/Alien.mkv", "notes.txt", ".hidden/Secret (2001).mkv",
        ])
        let library = try await fixture.library("Movies", type: "movie", folder: folder)
        let first = try await fixture.scan(library)
        #expect(first["status"] == "completed")
        #expect(first["items_added"] == 2)
        let movies = try await fixture.owner("GET", "/api/v1/movies?order_by=title")
        #expect(movies["total"] == 2)
        let titles = movies["items"]?.arrayValue?.compactMap { $0["title"]?.stringValue }
        #expect(titles == ["Alien", "The Matrix"])
        let alien = try #require(movies["items"]?.arrayValue?.first)
        #expect(alien["tmdb_id"] == 348)
        #expect(alien["year"] == 1979)
        let alienID = try #require(alien["id"]?.stringValue)
        let files = try await fixture.owner("GET", "/api/v1/movies/\(alienID)/files")
        let fileID = try #require(files.arrayValue?.first?["id"]?.stringValue)

        // Nothing changed: nothing added or updated.
        let second = try await fixture.scan(library)
        #expect(second["items_added"] == 0)
        #expect(second["items_updated"] == 0)
        #expect(second["items_scanned"] == 2)

        // A move keeps the file's id and its movie; a removal drops the movie (grace 0).
        try FileSystem.makeDirectories(folder + "/Alien (1979)")
        #expect(rename(folder + "/Alien (1979) {tmdb-348}/Alien.mkv", folder + "/Alien (1979)/Alien (1979).mkv") == 0)
        #expect(unlink(folder + "/The Matrix (1999)/The Matrix (1999).mkv") == 0)
        let third = try await fixture.scan(library)
        #expect(third["items_removed"] == 1)
        let moved = try await fixture.owner("GET", "/api/v1/movies/\(alienID)/files")
        #expect(moved.arrayValue?.first?["id"]?.stringValue == fileID)
        #expect(moved.arrayValue?.first?["file_name"] == "Alien (1979).mkv")
        #expect(try await fixture.owner("GET", "/api/v1/movies")["total"] == 1)
        // Its search row went with it; the moved one is still found.
        #expect(try await fixture.owner("GET", "/api/v1/search/movies?q=matrix")["total_hits"] == 0)
        #expect(try await fixture.owner("GET", "/api/v1/search/movies?q=alien")["total_hits"] == 1)

        // The scan is a job of its own.
        let database = fixture.database
        let jobs = try await database.perform {
            try database.withConnection { connection in
                try connection.query("SELECT status FROM jobs WHERE kind = 'scan' AND library_id = ?", [.text(library)])
            }
        }
        #expect(jobs.count == 3)
        #expect(jobs.allSatisfy { $0[0].stringValue == "completed" })
    }

    @Test func aSeriesScanMakesSeasonsAndEpisodesAndSharesMultiEpisodeFiles() async throws {
        let fixture = try CatalogFixture(settings: Self.names)
        defer { Task { await fixture.stop() } }
        let folder = fixture.media + "/tv"
        try MediaTree.write(folder, [
            "Show Name/Season 01/Show Name - S01E01 - Pilot.mkv", "Show Name/Season 01/Show Name - S01E02E03.mkv",
            "Show Name/Specials/Show Name - S00E01.mkv", "Other Show (2010)/Season 02/Other Show (2010) - S02E05.mkv",
        ])
        let library = try await fixture.library("TV", type: "tvshow", folder: folder)
        let scan = try await fixture.scan(library)
        #expect(scan["status"] == "completed")
        let shows = try await fixture.owner("GET", "/api/v1/tvshows?order_by=title")
        #expect(shows["total"] == 2)
        let show = try #require(shows["items"]?.arrayValue?.first { $0["title"] == "Show Name" })
        #expect(show["total_seasons"] == 1)
        #expect(show["total_episodes"] == 3)
        let id = try #require(show["id"]?.stringValue)
        let seasons = try await fixture.owner("GET", "/api/v1/tvshows/\(id)/seasons")
        #expect(seasons.arrayValue?.compactMap { $0["name"]?.stringValue } == ["Specials", "Season 1"])
        let episodes = try await fixture.owner("GET", "/api/v1/tvshows/\(id)/episodes")
        let regular = episodes.arrayValue?.filter { $0["season_number"] == 1 } ?? []
        #expect(regular.compactMap { $0["episode_number"]?.intValue } == [1, 2, 3])
        #expect(regular.first?["title"] == "Pilot")
        let second = try #require(regular.dropFirst().first?["id"]?.stringValue)
        let third = try #require(regular.last?["id"]?.stringValue)
        let secondFiles = try await fixture.owner("GET", "/api/v1/tvshows/episodes/\(second)/files")
        let thirdFiles = try await fixture.owner("GET", "/api/v1/tvshows/episodes/\(third)/files")
        #expect(secondFiles.arrayValue?.first?["file_path"] == thirdFiles.arrayValue?.first?["file_path"])

        // Next episode follows what the caller finished.
        let first = try #require(regular.first?["id"]?.stringValue)
        #expect(try await fixture.owner("GET", "/api/v1/tvshows/\(id)/next-episode")["id"]?.stringValue == first)
        _ = try await fixture.owner("POST", "/api/v1/tvshows/episodes/\(first)/watched", json: ["duration_seconds": 1500], expect: 204)
        #expect(try await fixture.owner("GET", "/api/v1/tvshows/\(id)/next-episode")["id"]?.stringValue == second)
        let stats = try await fixture.owner("GET", "/api/v1/tvshows/\(id)/watch-stats")
        #expect(stats["watched_episodes"] == 1)
        #expect(stats["total_episodes"] == 3)
    }

    @Test func unreachableFoldersLinkLoopsAndNamelessFilesAreRecordedNotFatal() async throws {
        let fixture = try CatalogFixture(settings: Self.names)
        defer { Task { await fixture.stop() } }
        let folder = fixture.media + "/movies"
        try MediaTree.write(folder, ["Heat (1995)/Heat (1995).mkv", "1080p.x264.mkv"])
        #expect(symlink(folder, folder + "/loop") == 0)
        let library = try await fixture.library("Movies", type: "movie", folder: folder)
        let scan = try await fixture.scan(library)
        #expect(scan["status"] == "completed")
        #expect(scan["items_added"] == 1)
        #expect((scan["error_count"]?.intValue ?? 0) >= 1)
        #expect(scan["errors"]?.arrayValue?.contains { $0.stringValue?.contains("1080p.x264.mkv") == true } == true)

        // The folder goes away (an unmounted disk): the scan says so and the catalog keeps its movie.
        #expect(system("rm -rf '\(folder)'") == 0)
        let offline = try await fixture.scan(library)
        #expect(offline["errors"]?.arrayValue?.contains { $0.stringValue?.contains("cannot be reached") == true } == true)
        #expect(try await fixture.owner("GET", "/api/v1/movies")["total"] == 1)
    }
}

/// Watched library folders queue a scan of their own once they are quiet.
@Suite struct WatcherTests {
    @Test func aNewFileInAWatchedFolderIsScannedWithoutBeingAsked() async throws {
        let fixture = try CatalogFixture { settings in
            ScanTests.names(&settings)
            settings.watchQuietMilliseconds = 300
        }
        defer { Task { await fixture.stop() } }
        #expect(fixture.catalog.watcher.start())
        defer { fixture.catalog.watcher.stop() }
        let folder = fixture.media + "/movies"
        let library = try await fixture.library("Movies", type: "movie", folder: folder)
        try await Task.sleep(for: .milliseconds(800))  // the watcher takes the new library's folders
        try MediaTree.write(folder, ["Heat (1995)/Heat (1995).mkv"])
        var total: JSON? = nil
        for _ in 0..<100 {
            try await Task.sleep(for: .milliseconds(200))
            total = try await fixture.owner("GET", "/api/v1/movies")["total"]
            if total == 1 { break }
        }
        #expect(total == 1)
        let scans = try await fixture.owner("GET", "/api/v1/libraries/\(library)/scans")
        #expect(scans["total"] == 1)
    }
}

/// A cancelled scan stops without touching what the catalog holds.
@Suite struct ScanCancelTests {
    @Test func aScanWhoseJobIsCancelledStopsAndDropsNothing() async throws {
        let fixture = try CatalogFixture(settings: ScanTests.names)
        defer { Task { await fixture.stop() } }
        let folder = fixture.media + "/movies"
        try MediaTree.write(folder, ["Heat (1995)/Heat (1995).mkv"])
        let library = try await fixture.library("Movies", type: "movie", folder: folder)
        _ = try await fixture.scan(library)
        // The file goes away, but the scan that would drop it is cancelled before it runs: nothing is dropped.
        #expect(unlink(folder + "/Heat (1995)/Heat (1995).mkv") == 0)
        let (database, scanner) = (fixture.database, fixture.catalog.scanner)
        let scan = try await database.perform {
            let job = try JobStore(database: database).create(kind: .scan, libraryID: library)
            try database.execute(
                "INSERT INTO library_scans (id, library_id, job_id, scan_type, status, created_at) VALUES ('s1', ?, ?, 'full', 'pending', 0)",
                [.text(library), .text(job.id)])
            try database.execute("UPDATE jobs SET status = 'cancelled' WHERE id = ?", [.text(job.id)])
            scanner.run(LibraryScanner.Queued(scanID: "s1", jobID: job.id, libraryID: library, type: "full"))
            return try database.queryOne("SELECT status FROM library_scans WHERE id = 's1'")?[0].stringValue
        }
        #expect(scan == "cancelled")
        #expect(try await fixture.owner("GET", "/api/v1/movies")["total"] == 1)
    }
}
