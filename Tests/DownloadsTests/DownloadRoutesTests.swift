import Core
import HTTP
import Store
import TestSupport
import Testing

@testable import Downloads

#if canImport(Glibc)
    import Glibc
#endif

/// The download routes over a real server and database: checks of every input, the hourly limit,
/// the free-space floor, who sees what, and the runner's priority and end, with small scripts standing
/// in for yt-dlp. The real yt-dlp runs in `YtDlpDownloadTests`.
@Suite struct DownloadRoutesTests {
    @Test func badInputIsRefused() async throws {
        let fixture = try DownloadFixture(ytDlpPath: "/bin/false")
        symlink("/etc", fixture.library + "/etc-link")
        for url in ["--exec=touch /tmp/pwned", "-o", "file:///etc/passwd", "ftp://example.com/a.mp4", "https://", "http:// spaced.example/"] {
            let reply = try await fixture.download(url)
            #expect(reply.status == 400, "\(url): \(reply.text)")
        }
        let refused: [[String: JSON]] = [
            ["quality": "8k"], ["format": "exe"], ["quality": "audio", "format": "mp4"], ["downloadPath": "/etc"],
            ["downloadPath": "relative/path"], ["downloadPath": .string(fixture.library + "/etc-link")],
            ["downloadPath": .string(fixture.library + "/missing")], ["downloadPath": .string(fixture.folder + "/../..")],
        ]
        for extra in refused {
            let reply = try await fixture.download("https://example.com/v", extra: extra)
            #expect(reply.status == 400, "\(extra): \(reply.text)")
            #expect(try fixture.json(reply)["code"] == "VALIDATION_ERROR")
        }
        let missing = try await fixture.request("POST", "/api/v1/youtube/download", body: ["quality": "720p"])
        #expect(missing.status == 400)
        let inLibrary = try await fixture.download(
            "https://example.com/v", extra: ["downloadPath": .string(fixture.library), "quality": "audio", "format": "m4a"])
        #expect(inLibrary.status == 201, "\(inLibrary.text)")
        #expect(try fixture.json(inLibrary)["data"]?["downloadPath"]?.stringValue == fixture.library)
        await fixture.stop()
    }

    @Test func withoutYtDlpTheDownloadIs503() async throws {
        let fixture = try DownloadFixture(ytDlpPath: "/nonexistent/yt-dlp")
        let reply = try await fixture.download("https://example.com/v")
        #expect(reply.status == 503)
        #expect(try fixture.json(reply)["code"] == "YTDLP_MISSING")
        await fixture.stop()
    }

    @Test func belowTheFreeSpaceFloorTheDownloadIs507() async throws {
        let fixture = try DownloadFixture(minFreeBytes: UInt64.max / 2, ytDlpPath: "/bin/false")
        let reply = try await fixture.download("https://example.com/v")
        #expect(reply.status == 507)
        #expect(try fixture.json(reply)["code"] == "INSUFFICIENT_STORAGE")
        await fixture.stop()
    }

    @Test func theSixthDownloadInAnHourIs429() async throws {
        let fixture = try DownloadFixture(ytDlpPath: "/bin/false")
        for number in 1...5 {
            let reply = try await fixture.download("https://example.com/v\(number)", token: "user-alice")
            #expect(reply.status == 201, "\(number): \(reply.text)")
        }
        let sixth = try await fixture.download("https://example.com/v6", token: "user-alice")
        #expect(sixth.status == 429)
        #expect(try fixture.json(sixth)["code"] == "RATE_LIMIT_EXCEEDED")
        let retry = try #require(Int(sixth.header("Retry-After") ?? ""))
        #expect(retry > 0 && retry <= 3600)
        // The limit is per user, and counted from the table: deleting a finished download does not lift it.
        #expect(try await fixture.download("https://example.com/v", token: "user-bob").status == 201)
        let list = try fixture.json(try await fixture.request("GET", "/api/v1/youtube/downloads?limit=1", token: "user-alice"))
        let first = try #require(list["data"]?["downloads"]?.arrayValue?.first?["id"]?.stringValue)
        _ = try await fixture.waitFor(first, token: "user-alice") { $0["status"] == "failed" }
        #expect(try await fixture.request("DELETE", "/api/v1/youtube/downloads/\(first)", token: "user-alice").status == 200)
        #expect(try await fixture.download("https://example.com/v7", token: "user-alice").status == 429)
        await fixture.stop()
    }

    @Test func aUserSeesOnlyTheirOwnDownloads() async throws {
        let fixture = try DownloadFixture(ytDlpPath: "/bin/false")
        let created = try fixture.json(try await fixture.download("https://example.com/mine", token: "user-alice"))["data"]
        let id = try #require(created?["id"]?.stringValue)
        #expect(created?["status"] == "queued" && created?["quality"] == "best" && created?["format"] == "mp4")
        #expect(created?["userId"] == "alice" && created?["url"] == "https://example.com/mine")
        _ = try await fixture.download("https://example.com/theirs", token: "user-bob")
        #expect(try await fixture.request("GET", "/api/v1/youtube/downloads/\(id)", token: "user-bob").status == 404)
        #expect(try await fixture.request("DELETE", "/api/v1/youtube/downloads/\(id)", token: "user-bob").status == 404)
        let alice = try fixture.json(try await fixture.request("GET", "/api/v1/youtube/downloads", token: "user-alice"))["data"]
        #expect(alice?["downloads"]?.arrayValue?.count == 1)
        #expect(alice?["pagination"]?["totalResults"] == 1 && alice?["pagination"]?["page"] == 1)
        let everyone = try fixture.json(try await fixture.request("GET", "/api/v1/youtube/downloads"))["data"]
        #expect(everyone?["pagination"]?["totalResults"] == 2)
        // The script stands in for yt-dlp and fails: the download ends failed, with a reason.
        let failed = try await fixture.waitFor(id, token: "user-alice") { $0["status"] == "failed" }
        #expect(failed["status"] == "failed")
        #expect(failed["error"]?.stringValue?.isEmpty == false)
        let filtered = try fixture.json(try await fixture.request("GET", "/api/v1/youtube/downloads?status=failed&limit=5", token: "user-alice"))
        #expect(filtered["data"]?["downloads"]?.arrayValue?.count == 1)
        #expect(try await fixture.request("GET", "/api/v1/youtube/downloads?status=bogus").status == 400)
        #expect(try await fixture.request("GET", "/api/v1/youtube/downloads?limit=1000").status == 400)
        // Deleting a finished one takes it off the list.
        #expect(try await fixture.request("DELETE", "/api/v1/youtube/downloads/\(id)", token: "user-alice").status == 200)
        #expect(try await fixture.request("GET", "/api/v1/youtube/downloads/\(id)", token: "user-alice").status == 404)
        #expect(try await fixture.service.counts().total == 2)
        await fixture.stop()
    }

    /// A script stands in for yt-dlp and reports its own nice level, I/O class and open sockets as its error.
    @Test func theChildRunsAtTheWorkersPriorityWithItsErrorAsTheReason() async throws {
        let script = TemporaryDirectory("fake-ytdlp")
        let path = script.file("yt-dlp")
        let text = """
            #!/bin/sh
            sockets=$(ls -l /proc/$$/fd | grep -c socket)
            echo "ERROR: nice=$(cut -d' ' -f19 /proc/$$/stat) io=$(ionice -p $$ | cut -d: -f1) sockets=$sockets last=$(eval echo \\${$#})"
            exit 1

            """
        try FileSystem.writeAtomically(path, Array(text.utf8), mode: 0o755)
        let fixture = try DownloadFixture(ytDlpPath: path)
        let id = try #require(try fixture.json(try await fixture.download("https://example.com/v?token=secret"))["data"]?["id"]?.stringValue)
        let done = try await fixture.waitFor(id) { $0["status"] == "failed" }
        let reason = try #require(done["error"]?.stringValue)
        #expect(reason.contains("nice=10"), "\(reason)")
        #expect(reason.contains("io=idle"), "\(reason)")
        // None of the daemon's descriptors (the listening socket, the clients') reaches the child.
        #expect(reason.contains("sockets=0"), "\(reason)")
        // The URL (last argument, after --) is not repeated in the reason.
        #expect(reason.contains("last=<url>") && !reason.contains("secret"), "\(reason)")
        await fixture.stop()
    }

    @Test func downloadsLeftRunningFailAtStartUp() async throws {
        let fixture = try DownloadFixture(ytDlpPath: "/bin/false")
        let staging = DownloadRun.staging(folder: fixture.folder, id: "job-left")
        try FileSystem.makeDirectories(staging)
        let (database, service, folder) = (fixture.database, fixture.service, fixture.folder)
        try await database.perform {
            var record = JobRecord(
                id: "job-left", kind: .youtubeDownload, status: .running,
                parameters: ["url": "https://example.com/v", "folder": .string(folder), "owner": "appliance"])
            record.startedAt = record.createdAt
            try JobStore(database: database).insert(record)
            try service.settleInterrupted()
        }
        let detail = try fixture.json(try await fixture.request("GET", "/api/v1/youtube/downloads/job-left"))["data"]
        #expect(detail?["status"] == "failed" && detail?["error"] == "interrupted by a restart")
        #expect(!FileSystem.exists(staging))
        await fixture.stop()
    }
}
