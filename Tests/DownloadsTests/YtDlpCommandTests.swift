import Downloads
import HTTP
import Testing

@Suite struct YtDlpCommandTests {
    @Test func onlyHTTPURLsWithAHostAreTaken() throws {
        #expect(try YtDlpCommand.validatedURL(" https://www.youtube.com/watch?v=example ") == "https://www.youtube.com/watch?v=example")
        #expect(try YtDlpCommand.validatedURL("HTTP://127.0.0.1:8080/clip.mp4") == "HTTP://127.0.0.1:8080/clip.mp4")
        for bad in [
            "", "--exec=touch /tmp/x", "-o/etc/cron.d/x", "file:///etc/passwd", "ftp://example.com/a", "https://", "http:///path",
            "https://example.com/a b", "https://example.com/\u{0}", "javascript:alert(1)", "https://" + String(repeating: "a", count: 2048),
        ] {
            #expect(throws: HTTPError.self, "\(bad.prefix(40))") { try YtDlpCommand.validatedURL(bad) }
        }
    }

    @Test func theURLComesLastAfterTheEndOfOptions() throws {
        let argv = try YtDlpCommand.download(
            executable: "/usr/bin/yt-dlp", url: "https://example.com/v", quality: "720p", format: "mp4", folder: "/media/downloads")
        #expect(argv.first == "/usr/bin/yt-dlp")
        #expect(Array(argv.suffix(2)) == ["--", "https://example.com/v"])
        #expect(argv.contains("bestvideo[height<=?720]+bestaudio/best[height<=?720]"))
        #expect(argv.contains("--newline") && argv.contains("--no-playlist"))
        #expect(Array(YtDlpCommand.metadata(executable: "yt-dlp", url: "https://example.com/v").suffix(2)) == ["--", "https://example.com/v"])
    }

    @Test func qualityAndFormatMapToSelectors() throws {
        #expect(
            try YtDlpCommand.formatOptions(quality: "best", format: "webm") == ["-f", "bestvideo+bestaudio/best", "--merge-output-format", "webm"])
        #expect(
            try YtDlpCommand.formatOptions(quality: "720p", format: "mp3") == ["-f", "bestaudio/best", "--extract-audio", "--audio-format", "mp3"])
        #expect(throws: HTTPError.self) { try YtDlpCommand.formatOptions(quality: "8k", format: "mp4") }
        #expect(throws: HTTPError.self) { try YtDlpCommand.formatOptions(quality: "720p", format: "exe") }
    }

    @Test func progressLinesReadAs001Terms() throws {
        let line = "[applianced-progress] 4500000 10000000 NA 1250000.5 330"
        let progress = try #require(DownloadProgress.parse(Substring(line)))
        #expect(progress.percent == 45)
        #expect(progress.speedText == "1.3 MB/s")
        #expect(progress.etaText == "5m 30s")
        let estimated = try #require(DownloadProgress.parse("[applianced-progress] 50 NA 200.0 NA NA"))
        #expect(estimated.percent == 25)
        #expect(estimated.speedText == nil && estimated.etaText == nil)
        #expect(DownloadProgress.parse("[download] Destination: clip.mp4") == nil)
        #expect(DownloadProgress.parse("[applianced-progress] NA NA NA NA NA") == nil)
        #expect(DownloadProgress(downloadedBytes: 0, etaSeconds: 3720).etaText == "1h 2m")
        #expect(DownloadProgress(downloadedBytes: 0, speed: 850_000).speedText == "850 KB/s")
    }
}
