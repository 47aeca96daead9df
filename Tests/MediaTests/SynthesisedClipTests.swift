import Core
import Media
import Previews
import Synchronization
import Testing
import TestSupport

/// Clips made by the Debian ffmpeg CLI: sparse keyframes, HDR10, and the VAAPI fallback.
struct SynthesisedClipTests {
    @Test func sparseKeyframesNeverRepeatAThumbnail() async throws {
        guard MediaSupport.ffmpeg != nil else { print("skipped: no ffmpeg CLI"); return }
        let directory = MediaSupport.temporaryDirectory("sparse")
        defer { MediaSupport.removeTree(directory) }
        let clip = directory + "/sparse.mkv"
        // 24 s at 10 fps with one keyframe every 30 s: only the first frame is a keyframe.
        #expect(
            await MediaSupport.ffmpeg([
                "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=10", "-t", "24", "-c:v", "libx264",
                "-preset", "ultrafast", "-g", "300", "-keyint_min", "300", "-sc_threshold", "0", clip,
            ]))
        let result = try await MediaSupport.extract(path: clip, options: ThumbnailOptions(intervalSeconds: 5))
        #expect(result.images.count == 5)
        for (a, b) in zip(result.images, result.images.dropFirst()) { #expect(a != b) }
        // One seek back to the keyframe after the first (keyframe-only) target, then forward decoding only.
        #expect(result.seeks <= 1, "targets in one GOP are reached by decoding forward, not by re-seeking")
        #expect(result.framesDecoded <= 210, "about 20 s at 10 fps, once")
    }

    @Test func frequentKeyframesDecodeOnlyKeyframes() async throws {
        guard MediaSupport.ffmpeg != nil else { print("skipped: no ffmpeg CLI"); return }
        let directory = MediaSupport.temporaryDirectory("dense")
        defer { MediaSupport.removeTree(directory) }
        let clip = directory + "/dense.mp4"
        #expect(
            await MediaSupport.ffmpeg([
                "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=10", "-t", "40", "-c:v", "libx264",
                "-preset", "ultrafast", "-g", "10", clip,
            ]))
        let result = try await MediaSupport.extract(path: clip, options: ThumbnailOptions(intervalSeconds: 10))
        #expect(result.images.count == 4)
        #expect(Set(result.images).count == 4)
        #expect(result.framesDecoded == 4, "one keyframe per target")
    }

    @Test(arguments: ["smpte2084", "arib-std-b67"])
    func hdrIsToneMappedNotWashedOut(_ transfer: String) async throws {
        guard MediaSupport.ffmpeg != nil else {
            print("skipped: no ffmpeg CLI")
            return
        }
        let directory = MediaSupport.temporaryDirectory("hdr")
        defer { MediaSupport.removeTree(directory) }
        let clip = directory + "/hdr.mkv"
        let sdr = directory + "/sdr.mkv"
        var x265 = "log-level=error:repeat-headers=1:colorprim=bt2020:transfer=\(transfer):colormatrix=bt2020nc"
        if transfer == "smpte2084" {
            x265 += ":hdr10=1:hdr10-opt=1:master-display=G(13250,34500)B(7500,3000)R(34000,16000)WP(15635,16450)L(10000000,1):max-cll=1000,400"
        }
        // The README's HDR10 recipe at 640x360 (and its HLG twin): a PQ/HLG BT.2020 rendering of testsrc2, and the SDR original.
        let source = "zscale=tin=bt709:min=bt709:pin=bt709:rin=tv:t=\(transfer):p=bt2020:m=bt2020nc:npl=100,format=yuv420p10le"
        guard
            await MediaSupport.ffmpeg([
                "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=24", "-t", "2", "-vf", source, "-c:v", "libx265",
                "-preset", "ultrafast", "-pix_fmt", "yuv420p10le", "-color_primaries", "bt2020", "-color_trc", transfer,
                "-colorspace", "bt2020nc", "-x265-params", x265, clip,
            ])
        else {
            print("skipped: ffmpeg could not encode HEVC Main10 (no libx265 or zscale?)")
            return
        }
        #expect(
            await MediaSupport.ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=640x360:rate=24", "-t", "2", "-c:v", "libx264", "-preset", "ultrafast", sdr]))
        let options = ThumbnailOptions(intervalSeconds: 1)
        let hdr = try await MediaSupport.extract(path: clip, options: options)
        let reference = try await MediaSupport.extract(path: sdr, options: options)
        #expect(hdr.toneMapped && !reference.toneMapped)
        #expect(hdr.images.count == 2 && (hdr.width, hdr.height) == (320, 180))
        let mapped = try JPEGInspection(hdr.images[0])
        let original = try JPEGInspection(reference.images[0])
        // Washed out = PQ/HLG code values shown as SDR: grey and flat. Tone-mapped stays near the SDR original.
        #expect((40...200).contains(mapped.meanLuma), "mean luma \(mapped.meanLuma)")
        #expect(abs(mapped.meanLuma - original.meanLuma) < 60, "mean luma \(mapped.meanLuma) vs SDR \(original.meanLuma)")
        #expect(mapped.meanChroma > original.meanChroma * 0.5, "chroma \(mapped.meanChroma) vs SDR \(original.meanChroma)")
    }

    @Test(.enabled(if: TestClips.available, "needs the ffmpeg CLI"))
    func vaapiFailureRedoesTheFileOnTheCPU() async throws {
        let options = ThumbnailOptions(intervalSeconds: 2, decoder: .vaapi(renderNode: "/nonexistent/dri/renderD199"))
        let result = try await MediaSupport.extract(path: try await TestClips.path(.h264), options: options)
        #expect(result.decodePath == .cpu)
        #expect(result.fellBackToCPU)
        #expect(result.hardwareFailure?.contains("VAAPI") == true)
        #expect(result.images.count == result.plannedCount)
    }

    @Test(.enabled(if: TestClips.available, "needs the ffmpeg CLI"))
    func cancelledBeforeStartThrowsCancelled() async throws {
        let clip = try await TestClips.path(.long)
        let flag = CancellationFlag()
        flag.cancel()
        await #expect { try await MediaSupport.extract(path: clip, cancellation: flag) } throws: {
            ($0 as? MediaError)?.kind == .cancelled
        }
    }

    @Test(.enabled(if: TestClips.available, "needs the ffmpeg CLI"))
    func cancelledMidFileStops() async throws {
        let clip = try await TestClips.path(.long)
        let flag = CancellationFlag()
        let seen = Seen()
        await #expect {
            try await MediaSupport.extract(path: clip, options: ThumbnailOptions(intervalSeconds: 2), cancellation: flag) { done, _ in
                seen.count.store(done, ordering: .relaxed)
                if done == 3 { flag.cancel() }
            }
        } throws: { ($0 as? MediaError)?.kind == .cancelled }
        #expect(seen.count.load(ordering: .relaxed) == 3)
    }

    @Test(arguments: [
        ThumbnailOptions(intervalSeconds: 0), ThumbnailOptions(intervalSeconds: 61), ThumbnailOptions(quality: 0),
        ThumbnailOptions(quality: 11), ThumbnailOptions(decoderThreads: 0),
    ])
    func rejectsBadOptions(_ options: ThumbnailOptions) async {
        await #expect(throws: MediaError.self) { try await MediaSupport.extract(path: "/dev/null", options: options) }
    }
}

/// How far a decode got, written by its thread.
final class Seen: Sendable {
    let count = Atomic<Int>(0)
}
