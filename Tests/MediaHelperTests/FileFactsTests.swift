import Core
import FoundationEssentials
import MediaHelper
import MediaProtocol
import Testing
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// The catalog's probe through the helper: every sample in `../shared/media` against what ffprobe saw
/// (`ffprobe-index.json`), a clip with languages, subtitles and HDR tags, and the files it must refuse.
@Suite(.enabled(if: HelperSupport.helperBuilt, "needs applianced-media built next to the tests (swift build --build-tests)"))
struct FileFactsTests {
    /// One entry of `ffprobe-index.json` (the `_note` entry decodes to nil).
    struct Observed: Decodable {
        struct Stream: Decodable {
            var codec_type: String
            var codec_name: String?
            var width: Int?
        }
        struct Probe: Decodable {
            var format: String?
            var duration: String?
            var streams: [Stream]?
        }
        var probe: Probe?
        init(from decoder: any Decoder) throws { probe = try? Probe(from: decoder) }
    }

    @Test(.enabled(if: HelperSupport.hasSharedMedia, "needs ../shared/media"))
    func sharedSamplesMatchFFprobe() async throws {
        let index = try JSONDecoder().decode(
            [String: Observed].self, from: Data(try FileSystem.read(HelperSupport.sharedMedia + "/ffprobe-index.json")))
        let names = index.keys.filter { index[$0]?.probe != nil }.sorted()
        let paths = names.map { HelperSupport.sharedMedia + "/" + $0 }
        let root = HelperSupport.sharedMedia
        let results = try await offPool { MediaHelperClient(settings: HelperSupport.settings()).fileFacts(paths, roots: [root]) }
        #expect(results.count == names.count)
        for (name, result) in zip(names, results) {
            let expected = index[name]?.probe
            let streams = expected?.streams ?? []
            guard case .facts(let facts) = result else {
                // ffprobe could not read these either.
                #expect(expected?.format == nil || streams.isEmpty, "\(name): \(result)")
                continue
            }
            #expect(facts.container == expected?.format, "\(name)")
            #expect(facts.streams.map { $0.kind.rawValue } == streams.map(\.codec_type), "\(name)")
            for (stream, seen) in zip(facts.streams, streams) {
                if let codec = seen.codec_name { #expect(stream.codec == codec, "\(name)") }
                if let width = seen.width { #expect(stream.width == width, "\(name)") }
            }
            if let duration = expected?.duration.flatMap(Double.init), duration > 0 {
                #expect(abs((facts.durationSeconds ?? 0) - duration) < 0.01, "\(name)")
            }
        }
        let mkv = try #require(results.first { if case .facts(let f) = $0 { f.path.hasSuffix("10min.mkv") } else { false } })
        guard case .facts(let facts) = mkv else { return }
        #expect(facts.width == 384 && facts.height == 288 && facts.hdr == nil)
    }

    @Test(.enabled(if: TestClips.available, "needs ffmpeg"))
    func languagesSubtitlesAndHDRAreReported() async throws {
        let directory = HelperSupport.temporaryDirectory("facts")
        defer { HelperSupport.removeTree(directory) }
        try FileSystem.writeAtomically(directory + "/sub.srt", Array("1\n00:00:00,000 --> 00:00:01,000\nHello\n".utf8))
        let clip = directory + "/hdr.mkv"
        let arguments = [
            "-nostdin", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=256x144:rate=5:duration=1", "-f", "lavfi", "-i",
            "sine=duration=1", "-f", "lavfi", "-i", "sine=duration=1", "-i", directory + "/sub.srt",
            "-map", "0", "-map", "1", "-map", "2", "-map", "3", "-c:v", "libx264", "-pix_fmt", "yuv420p10le",
            "-color_trc", "smpte2084", "-color_primaries", "bt2020", "-colorspace", "bt2020nc", "-c:a", "aac", "-c:s", "srt",
            "-metadata:s:a:0", "language=fra", "-metadata:s:a:1", "language=eng", "-metadata:s:s:0", "language=deu",
            "-disposition:s:0", "forced", clip,
        ]
        let command = ([TestClips.ffmpeg ?? "ffmpeg"] + arguments).map { "'\($0)'" }.joined(separator: " ")
        let status = try await offPool { command.withCString { system($0) } }
        try #require(status == 0, "ffmpeg failed: \(command)")
        let results = try await offPool {
            MediaHelperClient(settings: HelperSupport.settings()).fileFacts([clip, directory + "/sub.srt", "/etc/hostname"], roots: [directory])
        }
        guard case .facts(let facts) = results[0] else {
            Issue.record("no facts: \(results[0])")
            return
        }
        #expect(facts.container == "matroska,webm")
        #expect(facts.width == 256 && facts.height == 144)
        #expect(facts.hdr == "HDR10")
        #expect(facts.video?.codec == "h264")
        #expect(facts.audioLanguages == ["fra", "eng"])
        #expect(facts.subtitles.map(\.language) == ["deu"])
        #expect(facts.subtitles.first?.isForced == true)
        #expect(abs((facts.durationSeconds ?? 0) - 1) < 0.1)
        if case .facts(let srt) = results[1] { #expect(srt.video == nil) }
        #expect(results[2] == .failed(path: "/etc/hostname", reason: "cannot open the file: avformat_open_input: Permission denied"))
    }

    /// A file that kills the helper fails alone: the batch is asked again one file per helper.
    @Test func aCrashInABatchFailsOnlyThatFile() async throws {
        let directory = HelperSupport.temporaryDirectory("batch")
        defer { HelperSupport.removeTree(directory) }
        let crash = try HelperSupport.marker(directory, "segv")
        try FileSystem.writeAtomically(directory + "/empty.mkv", [])
        let paths = [directory + "/empty.mkv", crash]
        let results = try await offPool { MediaHelperClient(settings: HelperSupport.settings()).fileFacts(paths, roots: [directory]) }
        #expect(results.count == 2)
        if case .failed(_, let reason) = results[0] {
            #expect(!reason.isEmpty && !reason.contains("signal"))
        } else {
            Issue.record("an empty file has no facts")
        }
        #expect(results[1] == .failed(path: crash, reason: "decoder crashed: signal 11"))
        #expect(HelperSupport.helpers(mentioning: directory).isEmpty)
    }

    @Test func gpuProbeOfNodesThatAreNotRenderNodesGivesReasons() async throws {
        let nodes = ["/dev/null", "/nonexistent/renderD128"]
        let reports = try await offPool { try MediaHelperClient(settings: HelperSupport.settings()).gpuDecode(renderNodes: nodes) }
        #expect(reports.count == 2)
        #expect(reports[0].unavailableReason?.isEmpty == false)
        #expect(reports[1].unavailableReason?.contains("No such file") == true)
    }
}
