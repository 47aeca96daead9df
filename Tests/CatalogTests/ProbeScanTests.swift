@testable import CatalogFixtures
import Core
import MediaHelper
import TestSupport
import Testing

@testable import Catalog

#if canImport(Glibc)
    import Glibc
#endif

/// Scans that probe through the real media helper: what a good clip holds, and the reasons for a
/// broken and an empty file, none of which stops the scan.
@Suite(.enabled(if: access(MediaHelperSettings.defaultExecutable, X_OK) == 0, "needs applianced-media built (swift build --build-tests)"))
struct ProbeScanTests {
    @Test func goodBrokenAndEmptyFilesEachGetWhatProbingFound() async throws {
        let fixture = try CatalogFixture(prober: MediaHelperClient(settings: MediaHelperSettings(nice: 0, idleIO: false)))
        defer { Task { await fixture.stop() } }
        let folder = fixture.media + "/movies"
        try MediaTree.write(folder, ["Empty (2022)/Empty (2022).mkv"], bytes: 0)
        for (kind, name) in [(TestClips.Kind.h264, "Clip (2020)/Clip (2020).mp4"), (.broken, "Broken (2021)/Broken (2021).mov")] {
            let source = try await TestClips.path(kind)
            try FileSystem.makeDirectories(FileSystem.parentDirectory(of: folder + "/" + name))
            try FileSystem.writeAtomically(folder + "/" + name, try FileSystem.read(source))
        }
        let library = try await fixture.library("Movies", type: "movie", folder: folder)
        let scan = try await fixture.scan(library)
        #expect(scan["status"] == "completed")
        #expect(scan["items_added"] == 3)
        let errors = scan["errors"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(errors.contains { $0.contains("Empty (2022).mkv") })
        #expect(errors.contains { $0.contains("Broken (2021).mov") })

        let movies = try await fixture.owner("GET", "/api/v1/movies?order_by=title")
        let clip = try #require(movies["items"]?.arrayValue?.first { $0["title"] == "Clip" }?["id"]?.stringValue)
        let file = try #require(try await fixture.owner("GET", "/api/v1/movies/\(clip)/files").arrayValue?.first)
        #expect(file["video_codec"] == "h264")
        #expect((file["duration_seconds"]?.intValue ?? 0) > 0)
        #expect(file["resolution"] != .null)
        #expect(file["probe_error"] == .null)
        let empty = try #require(movies["items"]?.arrayValue?.first { $0["title"] == "Empty" }?["id"]?.stringValue)
        let emptyFile = try #require(try await fixture.owner("GET", "/api/v1/movies/\(empty)/files").arrayValue?.first)
        #expect(emptyFile["probe_error"] != .null)

        // An unchanged library is not probed again.
        let again = try await fixture.scan(library)
        #expect(again["items_updated"] == 0)
        #expect(again["error_count"] == 0)
    }
}
