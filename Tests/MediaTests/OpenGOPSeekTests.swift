import Core
@testable import Media
import Testing
import TestSupport

/// Open-GOP HEVC (x265's default: CRA keyframes, with RASL pictures that reference the GOP before) read
/// through seeks: after a seek libavcodec makes a stand-in for every reference a CRA names, and the engine
/// gives those a row per plane instead of a full frame. The thumbnails must be the ones full frames give,
/// one per target, each from its own frame.
struct OpenGOPSeekTests {
    struct Outcome: Sendable {
        let images: [[UInt8]]
        let picks: [ExtractionRun.Pick]
        let standIns: Int
    }

    @Test(arguments: ["yuv420p", "yuv420p10le"])
    func seeksToCRAPicturesGiveEachTargetItsOwnFrame(_ pixelFormat: String) async throws {
        guard MediaSupport.ffmpeg != nil else {
            print("skipped: no ffmpeg CLI")
            return
        }
        let directory = MediaSupport.temporaryDirectory("open-gop")
        defer { MediaSupport.removeTree(directory) }
        let clip = directory + "/open-gop.mkv"
        // 13 s at 24 fps, a CRA every 4 s with 4 B-frames, so RASL pictures precede each CRA in output order.
        guard
            await MediaSupport.ffmpeg([
                "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=24", "-t", "13", "-c:v", "libx265", "-preset", "ultrafast",
                "-pix_fmt", pixelFormat, "-x265-params", "log-level=error:open-gop=1:keyint=96:min-keyint=96:scenecut=0:bframes=4", clip,
            ])
        else {
            print("skipped: ffmpeg could not encode HEVC (no libx265?)")
            return
        }
        // Targets 0, 3, 6, 9, 12 s: 3 s is decoded on from the IDR at 0; 6 s after a seek to the CRA at 4 s,
        // decoding on past its skipped RASL pictures; 9 s and 12 s are the CRAs at 8 s and 12 s alone.
        let options = ThumbnailOptions(intervalSeconds: 3)
        let standIn = try await Self.extract(clip, options, standInReferences: true)
        let full = try await Self.extract(clip, options, standInReferences: false)

        #expect(standIn.standIns > 0, "the seeks landed on CRA pictures whose references are missing")
        #expect(full.standIns == 0)
        #expect(standIn.images == full.images, "stand-in references change no thumbnail")
        #expect(standIn.picks == full.picks)
        #expect(standIn.images.count == 5 && Set(standIn.images).count == 5, "no thumbnail repeats")

        let picks = standIn.picks
        #expect(picks.map(\.targetSeconds) == [0, 3, 6, 9, 12])
        for (earlier, later) in zip(picks, picks.dropFirst()) {
            #expect(earlier.frameSeconds < later.frameSeconds, "frame times strictly increase")
        }
        let halfFrame = 1.0 / 48
        for pick in picks {
            if pick.keyframeOnly {
                // A keyframe stands for a target up to half an interval after it.
                #expect(pick.frameSeconds <= pick.targetSeconds + halfFrame && pick.frameSeconds >= pick.targetSeconds - 1.5)
            } else {
                #expect(pick.frameSeconds >= pick.targetSeconds - halfFrame && pick.frameSeconds < pick.targetSeconds + 0.5)
            }
        }
        #expect(picks.contains { !$0.keyframeOnly && $0.targetSeconds == 6 }, "6 s is reached by decoding on from the CRA at 4 s")
    }

    /// One run of the engine on a thread of its own.
    static func extract(_ path: String, _ options: ThumbnailOptions, standInReferences: Bool) async throws -> Outcome {
        try await offPool {
            let run = try ExtractionRun(
                path: path, options: options, device: nil, cancellation: CancellationFlag(), standInReferences: standInReferences)
            let result = try run.run { _, _ in }
            return Outcome(images: result.images, picks: run.picks, standIns: run.missingReferences?.standIns ?? 0)
        }
    }
}
