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
        let rewritten: Int
    }

    /// 8- and 10-bit with x265's wavefront entry points (its default), three slices a picture, no wavefronts;
    /// in Matroska (length-prefixed units, parameter sets in `hvcC`) and MPEG-TS (Annex B, in-band).
    @Test(arguments: [
        ("yuv420p", "", "mkv"), ("yuv420p10le", "", "mkv"), ("yuv420p", ":slices=3", "mkv"), ("yuv420p", ":wpp=0", "mkv"),
        ("yuv420p", "", "ts"),
    ])
    func seeksToCRAPicturesGiveEachTargetItsOwnFrame(_ pixelFormat: String, _ x265Extra: String, _ container: String) async throws {
        guard MediaSupport.ffmpeg != nil else {
            print("skipped: no ffmpeg CLI")
            return
        }
        let directory = MediaSupport.temporaryDirectory("open-gop")
        defer { MediaSupport.removeTree(directory) }
        let clip = directory + "/open-gop." + container
        // 13 s at 24 fps, a CRA every 4 s with 4 B-frames, so RASL pictures precede each CRA in output order.
        guard
            await MediaSupport.ffmpeg([
                "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=24", "-t", "13", "-c:v", "libx265", "-preset", "ultrafast",
                "-pix_fmt", pixelFormat, "-x265-params", "log-level=error:open-gop=1:keyint=96:min-keyint=96:scenecut=0:bframes=4" + x265Extra, clip,
            ])
        else {
            print("skipped: ffmpeg could not encode HEVC (no libx265?)")
            return
        }
        // Targets 0, 3, 6, 9, 12 s: 3 s is decoded on from the IDR at 0; 6 s after a seek to the CRA at 4 s,
        // decoding on past its skipped RASL pictures; 9 s and 12 s are the CRAs at 8 s and 12 s alone.
        let options = ThumbnailOptions(intervalSeconds: 3)
        let engine = try await Self.extract(clip, options, standInReferences: true, idrKeyframes: true)
        let standIn = try await Self.extract(clip, options, standInReferences: true, idrKeyframes: false)
        let full = try await Self.extract(clip, options, standInReferences: false, idrKeyframes: false)

        #expect(standIn.standIns > 0, "the seeks landed on CRA pictures whose references are missing")
        #expect(full.standIns == 0)
        #expect(standIn.images == full.images, "stand-in references change no thumbnail")
        #expect(standIn.picks == full.picks)
        #expect(engine.images == full.images, "a CRA decoded as an IDR picture is the same picture")
        #expect(engine.picks == full.picks)
        #expect(engine.standIns < standIn.standIns, "CRAs decoded alone, as IDR pictures, name no missing references")
        // MPEG-TS starts its clock later and seeks by bytes, so its targets fall elsewhere: the same
        // pictures with and without the rewrite is what counts there.
        guard container == "mkv" else {
            #expect(engine.rewritten > 0)
            return
        }
        // The CRAs at 8 s and 12 s are decoded alone; the one at 4 s is decoded on from.
        #expect(engine.rewritten == 2)
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
    static func extract(_ path: String, _ options: ThumbnailOptions, standInReferences: Bool, idrKeyframes: Bool) async throws -> Outcome {
        try await offPool {
            let run = try ExtractionRun(
                path: path, options: options, device: nil, cancellation: CancellationFlag(), standInReferences: standInReferences,
                idrKeyframes: idrKeyframes)
            let result = try run.run { _, _ in }
            return Outcome(
                images: result.images, picks: run.picks, standIns: run.missingReferences?.standIns ?? 0,
                rewritten: run.openGOPKeyframes?.rewritten ?? 0)
        }
    }

    @Test func emulationPreventionRoundTrips() {
        let payloads: [[UInt8]] = [[0, 0, 0], [0, 0, 1, 0, 0, 2, 0, 0, 3, 7], [0, 0], [5, 0, 0, 0, 0, 0, 4], []]
        for rbsp in payloads {
            let escaped = OpenGOPKeyframes.escape(rbsp)
            #expect(!zip(zip(escaped, escaped.dropFirst()), escaped.dropFirst(2)).contains { $0.0 == 0 && $0.1 == 0 && $1 <= 2 })
            #expect(OpenGOPKeyframes.unescape([0x28, 0x01] + escaped, from: 2).rbsp == rbsp)
        }
        #expect([1, 2, 3, 4, 5, 510, 8160].map(OpenGOPKeyframes.bitsFor) == [0, 1, 2, 2, 3, 9, 13])
    }

    /// The helper parses what a file holds: any bytes, as parameter sets or slices, give an answer, never a trap.
    @Test func arbitraryBytesAreRefusedOrRewrittenWithoutATrap() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt8 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
        // An hvcC record naming length-prefixed units of 4 bytes, with one random "SPS" and "PPS" each.
        let sps: [UInt8] = [0x42, 0x01] + (0..<40).map { _ in next() }
        let pps: [UInt8] = [0x44, 0x01] + (0..<12).map { _ in next() }
        var hvcC: [UInt8] = [1] + [UInt8](repeating: 0, count: 20) + [0xFF, 2]
        for unit in [sps, pps] { hvcC += [unit[0] >> 1, 0, 1, 0, UInt8(unit.count)] + unit }
        for extradata in [hvcC, []] {
            let keyframes = OpenGOPKeyframes(extradata: extradata)
            for length in 0..<400 {
                var packet = (0..<(length % 97 + 3)).map { _ in next() }
                if extradata.isEmpty {
                    packet = [0, 0, 1] + packet
                } else {
                    packet = [0, 0, 0, UInt8(packet.count)] + packet
                }
                packet[extradata.isEmpty ? 3 : 4] = length % 3 == 0 ? 0x2A : packet[extradata.isEmpty ? 3 : 4]  // a CRA header now and then
                packet.withUnsafeBufferPointer { bytes in
                    if let rewritten = keyframes.idrForm(of: bytes) { #expect(!rewritten.isEmpty) }
                    keyframes.observe(bytes)
                }
            }
        }
    }

    /// Real CRA access units of an x265 stream (raw Annex B): each is rewritten, as IDR_N_LP slices; then each
    /// with bits flipped in its slice headers is rewritten or refused, never a trap.
    @Test func realCRAUnitsAreRewrittenAndDamagedOnesNeverTrap() async throws {
        guard MediaSupport.ffmpeg != nil else {
            print("skipped: no ffmpeg CLI")
            return
        }
        let directory = MediaSupport.temporaryDirectory("open-gop-raw")
        defer { MediaSupport.removeTree(directory) }
        let path = directory + "/open-gop.hevc"
        guard
            await MediaSupport.ffmpeg([
                "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=24", "-t", "5", "-c:v", "libx265", "-preset", "ultrafast",
                "-x265-params", "log-level=error:open-gop=1:keyint=24:min-keyint=24:scenecut=0:bframes=3:slices=2", "-f", "hevc", path,
            ])
        else {
            print("skipped: ffmpeg could not encode HEVC (no libx265?)")
            return
        }
        let stream = try FileSystem.read(path)
        // Access units: the units from one picture's first slice up to the next one's, with the non-VCL
        // units (parameter sets, SEI) that precede a picture counted with it.
        var units: [[UInt8]] = OpenGOPKeyframes.annexBUnits(stream).map { Array(stream[$0]) }
        var accessUnits: [[[UInt8]]] = []
        var pending: [[UInt8]] = []
        var sawSlice = false
        while !units.isEmpty {
            let unit = units.removeFirst()
            let type = (unit[0] >> 1) & 0x3f
            let firstSlice = type < 32 && unit.count > 2 && unit[2] & 0x80 != 0
            if (firstSlice || (type >= 32 && type <= 40)) && sawSlice {
                accessUnits.append(pending)
                pending = []
                sawSlice = false
            }
            pending.append(unit)
            if type < 32 { sawSlice = true }
        }
        accessUnits.append(pending)
        func annexB(_ accessUnit: [[UInt8]]) -> [UInt8] { accessUnit.flatMap { [0, 0, 0, 1] + $0 } }
        let cras = accessUnits.filter { $0.contains { ($0[0] >> 1) & 0x3f == 21 } }
        #expect(cras.count >= 4, "a CRA every second, after the first IDR")

        let keyframes = OpenGOPKeyframes(extradata: [])
        for accessUnit in cras {
            let rewritten = annexB(accessUnit).withUnsafeBufferPointer { keyframes.idrForm(of: $0) }
            let output = try #require(rewritten, "an x265 CRA is one this parser follows")
            let types = OpenGOPKeyframes.annexBUnits(output).map { (output[$0.lowerBound] >> 1) & 0x3f }
            #expect(types.filter { $0 < 32 } == [20, 20], "both slices are IDR_N_LP slices")
            #expect(output.count < annexB(accessUnit).count, "the reference sets are gone from the headers")
        }

        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        var refused = 0
        for round in 0..<2000 {
            var accessUnit = cras[round % cras.count]
            guard let slice = accessUnit.firstIndex(where: { ($0[0] >> 1) & 0x3f == 21 }) else { continue }
            for _ in 0..<(1 + round % 3) {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                let bit = Int(state >> 33) % (min(accessUnit[slice].count, 24) * 8 - 16) + 16
                accessUnit[slice][bit / 8] ^= 0x80 >> UInt8(bit % 8)
            }
            if annexB(accessUnit).withUnsafeBufferPointer({ keyframes.idrForm(of: $0) }) == nil { refused += 1 }
        }
        #expect(refused > 0, "damaged headers are refused, not rewritten")
    }

    @Test func annexBUnitsAreFoundBetweenStartCodes() {
        let stream: [UInt8] = [0, 0, 0, 1, 0x40, 1, 9, 0, 0, 1, 0x42, 1, 7, 0, 0, 0, 0, 1, 0x2a, 1, 5]
        #expect(OpenGOPKeyframes.annexBUnits(stream).map { Array(stream[$0]) } == [[0x40, 1, 9], [0x42, 1, 7], [0x2a, 1, 5]])
    }
}
