import Core
import HTTP
import TestSupport
import Testing

@testable import Downloads

#if canImport(Glibc)
    import Glibc
#endif

/// The real yt-dlp (Debian's package) downloading from loopback servers through its generic
/// extractor: a clip made by ffmpeg to its end, with its progress reaching the job and a Socket.IO
/// client; and a server that trickles bytes, so the download runs while it is cancelled.
@Suite(.enabled(if: YtDlpProcess.locate() != nil, "needs yt-dlp (apt-get install yt-dlp)"))
struct YtDlpDownloadTests {
    @Test(.enabled(if: TestClips.available, "needs ffmpeg to make the clip"))
    func aDownloadRunsToItsEndAndItsProgressIsTold() async throws {
        let clip = try FileSystem.read(try await TestClips.path(.h264))
        let origin = try LoopbackHTTPServer { request in
            request.path == "/clip.mp4"
                ? LoopbackHTTPServer.Response(status: 200, headers: [("Content-Type", "video/mp4")], body: clip)
                : .text(404, "no")
        }
        let fixture = try DownloadFixture()
        let session = try await fixture.join("/authenticated", token: "user-alice")
        let created = try await fixture.download(origin.baseURL + "/clip.mp4", token: "user-alice", extra: ["quality": "720p", "format": "mp4"])
        #expect(created.status == 201, "\(created.text)")
        let id = try #require(try fixture.json(created)["data"]?["id"]?.stringValue)
        let events = try await fixture.progressEvents(session, namespace: "/authenticated")
        let done = try await fixture.waitFor(id, token: "user-alice") { ["completed", "failed"].contains($0["status"]?.stringValue ?? "") }
        #expect(done["status"] == "completed", "\(done)")
        #expect(done["title"] == "clip" && done["progress"]?["percent"] == 100)
        let file = try #require(done["filePath"]?.stringValue)
        #expect(file.hasPrefix(fixture.folder + "/") && !file.contains(" "))
        #expect(done["fileSize"]?.intValue == Int64(clip.count))
        #expect(try FileSystem.read(file) == clip)
        // Only the file is left: the staging folder went.
        #expect(FileSystem.list(fixture.folder) == [FileSystem.baseName(of: file)])
        #expect(events.contains { $0["id"]?.stringValue == id && $0["status"] == "downloading" })
        #expect(events.last?["status"] == "completed" && events.last?["percent"] == 100 && events.last?["title"] == "clip")
        await fixture.stop()
    }

    @Test func aCancelStopsTheChildAndRemovesThePartialFiles() async throws {
        let origin = try TrickleServer()
        let fixture = try DownloadFixture(maxConcurrent: 1)
        let first = try #require(try fixture.json(try await fixture.download(origin.url, token: "user-alice"))["data"]?["id"]?.stringValue)
        let second = try #require(try fixture.json(try await fixture.download(origin.url, token: "user-alice"))["data"]?["id"]?.stringValue)
        let running = try await fixture.waitFor(first, token: "user-alice") {
            ($0["progress"]?["downloadedBytes"]?.intValue ?? 0) > 0
        }
        #expect(running["status"] == "downloading", "\(running)")
        let staging = DownloadRun.staging(folder: fixture.folder, id: first)
        #expect(!FileSystem.list(staging).isEmpty, "no partial file in \(staging)")
        // One at a time: the second waits queued.
        #expect(try fixture.json(try await fixture.request("GET", "/api/v1/youtube/downloads/\(second)"))["data"]?["status"] == "queued")

        let cancelled = try await fixture.request("DELETE", "/api/v1/youtube/downloads/\(first)", token: "user-alice")
        #expect(cancelled.status == 200)
        #expect(try fixture.json(cancelled)["message"] == "Download cancelled")
        let detail = try fixture.json(try await fixture.request("GET", "/api/v1/youtube/downloads/\(first)"))["data"]
        #expect(detail?["status"] == "cancelled")
        #expect(try await fixture.eventually { !FileSystem.exists(staging) })
        let folder = fixture.folder
        #expect(FileSystem.list(folder).allSatisfy { $0.hasPrefix(".applianced-\(second)") })
        // The second starts once the first is gone; cancelling it while it runs stops it too.
        _ = try await fixture.waitFor(second) { ($0["progress"]?["downloadedBytes"]?.intValue ?? 0) > 0 }
        #expect(try await fixture.request("DELETE", "/api/v1/youtube/downloads/\(second)").status == 200)
        #expect(try await fixture.eventually { FileSystem.list(folder).isEmpty })
        // The children are gone: the trickling server sees every connection closed.
        for _ in 0..<240 where origin.openConnections > 0 {
            try await Task.sleep(for: .milliseconds(250))
        }
        #expect(origin.openConnections == 0)
        await fixture.stop()
    }

    @Test func stoppingTheDaemonStopsARunningDownload() async throws {
        let origin = try TrickleServer()
        let fixture = try DownloadFixture()
        let id = try #require(try fixture.json(try await fixture.download(origin.url))["data"]?["id"]?.stringValue)
        _ = try await fixture.waitFor(id) { ($0["progress"]?["downloadedBytes"]?.intValue ?? 0) > 0 }
        let service = fixture.service
        try await offPool { service.stop() }
        let detail = try await fixture.waitFor(id) { $0["status"] == "failed" }
        #expect(detail["error"] == "the daemon stopped during the download", "\(detail)")
        let folder = fixture.folder
        #expect(try await fixture.eventually { FileSystem.list(folder).isEmpty })
        await fixture.stop()
    }
}
