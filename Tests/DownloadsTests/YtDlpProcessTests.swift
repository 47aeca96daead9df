import Core
import HTTP
import TestSupport
import Testing

@testable import Downloads

/// The child process rules, with ordinary programs standing in for yt-dlp, and `yt-dlp -J` itself
/// (its generic extractor) against a file on a loopback server when the Debian package is installed.
@Suite struct YtDlpProcessTests {
    @Test func aChildPastItsDeadlineIsKilled() async {
        #expect(await YtDlpProcess.run(["/bin/sleep", "30"], timeoutSeconds: 1, maxOutput: 1024) == .timedOut)
    }

    @Test func outputPastTheCapIsRefused() async {
        #expect(await YtDlpProcess.run(["/bin/cat", "/dev/zero"], timeoutSeconds: 30, maxOutput: 1 << 16) == .tooLarge)
    }

    @Test func aMissingProgramIsSaidSo() async throws {
        guard case .failedToStart = await YtDlpProcess.run(["/nonexistent/yt-dlp"], timeoutSeconds: 5, maxOutput: 1024) else {
            Issue.record("a missing program started")
            return
        }
        #expect(YtDlpProcess.locate("yt-dlp-that-is-not-there") == nil)
        #expect(YtDlpProcess.locate("sh", path: "/nonexistent:/bin") == "/bin/sh")
        #expect(throws: HTTPError.self) { try YouTubeRoutes.metadata(.failedToStart("No such file"), url: "https://x.test/") }
        #expect(throws: HTTPError.self) { try YouTubeRoutes.metadata(.finished(status: 1, output: []), url: "https://x.test/") }
    }

    @Test(.enabled(if: YtDlpProcess.locate() != nil, "needs yt-dlp (apt-get install yt-dlp)"))
    func metadataOfALoopbackFile() async throws {
        let server = try LoopbackHTTPServer { _ in
            LoopbackHTTPServer.Response(status: 200, headers: [("Content-Type", "video/mp4")], body: Array(repeating: 7, count: 4096))
        }
        let url = server.baseURL + "/clip.mp4"
        let program = try #require(YtDlpProcess.locate())
        let outcome = await YtDlpProcess.run(YtDlpCommand.metadata(executable: program, url: url), timeoutSeconds: 60, maxOutput: 8 << 20)
        let metadata = try YouTubeRoutes.metadata(outcome, url: url)
        #expect(metadata["id"] == "clip")
        #expect(metadata["title"] == "clip")
        #expect(metadata["formats"]?.arrayValue?.first?["ext"] == "mp4")
    }
}
