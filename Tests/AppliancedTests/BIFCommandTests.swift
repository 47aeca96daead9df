import Core
import Testing
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// `applianced bif` as a user runs it: the thumbnails are made in a media helper (the daemon binary has
/// no libav), the BIF lands at `-o`, and a file that is not media fails with a reason and exit 1.
@Suite(.enabled(if: DaemonProcess.available && TestClips.available, "needs .build/debug/applianced and ffmpeg"))
struct BIFCommandTests {
    @Test func makesABIFThroughTheHelper() async throws {
        let root = makeTempDirectory("bif")
        defer { _ = "rm -rf '\(root)'".withCString { system($0) } }
        let clip = try await TestClips.path(.h264)
        let status = try await DaemonProcess.run(["bif", clip, "-o", root + "/out.bif", "--interval", "2"], logPath: root + "/bif.log")
        #expect(status == 0, "\((try? FileSystem.readText(root + "/bif.log")) ?? "")")
        let bif = try FileSystem.read(root + "/out.bif")
        // BIF magic, then the image count (little-endian) at byte 12.
        #expect(Array(bif.prefix(8)) == [0x89, 0x42, 0x49, 0x46, 0x0d, 0x0a, 0x1a, 0x0a])
        #expect(bif.count > 16 && Int(bif[12]) | Int(bif[13]) << 8 == 4)
    }

    @Test func aFileThatIsNotMediaFailsWithAReason() async throws {
        let root = makeTempDirectory("bif-bad")
        defer { _ = "rm -rf '\(root)'".withCString { system($0) } }
        try FileSystem.writeAtomically(root + "/notes.mkv", Array("not a video".utf8))
        let status = try await DaemonProcess.run(["bif", root + "/notes.mkv", "-o", root + "/out.bif"], logPath: root + "/bif.log")
        #expect(status == 1)
        let log = (try? FileSystem.readText(root + "/bif.log")) ?? ""
        #expect(log.contains("Failed to extract thumbnails from '\(root)/notes.mkv': cannot open the file"))
        #expect(!FileSystem.exists(root + "/out.bif"))
    }
}
