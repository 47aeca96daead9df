import MediaProtocol
import Testing

/// The frame header, the messages' JSON and the helper's command line.
struct HelperProtocolTests {
    @Test(arguments: [0, 1, 255, 256, 65_535, 1 << 20, HelperFrame.maximumBytes])
    func frameHeaderRoundTrips(count: Int) {
        #expect(HelperFrame.length(header: HelperFrame.header(count: count)) == count)
    }

    @Test func framesOverTheLimitOrCutShortAreRefused() {
        #expect(HelperFrame.length(header: [0xff, 0xff, 0xff, 0x7f]) == nil)
        #expect(HelperFrame.length(header: [1, 0, 0]) == nil)
    }

    @Test func messagesRoundTripAndGarbageIsAProtocolError() throws {
        let request = HelperRequest.thumbnails(
            ThumbnailRequest(path: "/m/a.mkv", intervalSeconds: 10, quality: 4, renderNode: "/dev/dri/renderD128",
                             output: .plexBundle(plexConfigFolder: "/plex", hash: "ab12")))
        #expect(try HelperCodec.request(HelperCodec.encode(request)) == request)
        let reply = HelperReply.failed(HelperFailure(.memory, "memory budget exceeded"))
        #expect(try HelperCodec.reply(HelperCodec.encode(reply)) == reply)
        #expect(throws: HelperFailure.self) { try HelperCodec.reply(Array("{\"nope\":1}".utf8)) }
        #expect(throws: HelperFailure.self) { try HelperCodec.request([0xff, 0x00]) }
    }

    @Test func policyRoundTripsThroughTheCommandLine() throws {
        let policy = HelperPolicy(
            readPaths: ["/srv/media", "/mnt/films"], devicePaths: ["/dev/dri/renderD128"], writePaths: ["/plex/Media/localhost"],
            memoryMB: 300, itemCPUSeconds: 60, nice: 10, idleIO: true, testModes: false)
        #expect(try HelperPolicy(arguments: policy.arguments) == policy)
        #expect(try HelperPolicy(arguments: []).idleIO == false)
    }

    @Test(arguments: [
        (["--memory-mb", "1"], "--memory-mb 1 is outside 32...65536"), (["--nice", "x"], "--nice x is outside 0...19"),
        (["--read"], "--read needs a value"), (["--exec", "/bin/sh"], "unknown argument '--exec'"),
    ])
    func badCommandLinesAreRefused(arguments: [String], reason: String) {
        #expect(throws: HelperFailure(.failed, reason)) { try HelperPolicy(arguments: arguments) }
    }
}
