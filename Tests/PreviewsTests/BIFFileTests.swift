import Core
import Previews
import Testing

struct BIFFileTests {
    static let sharedBIF = {
        let repoRoot = FileSystem.parentDirectory(of: FileSystem.parentDirectory(of: FileSystem.parentDirectory(of: #filePath)))
        return repoRoot + "/../shared/bif/plex-generate-reference.bif"
    }()

    @Test func reproducesThePreviewToolsReferenceByteForByte() throws {
        guard let reference = try? FileSystem.read(Self.sharedBIF) else {
            print("skipped: \(Self.sharedBIF) is absent")
            return
        }
        let stub: [UInt8] = [0xFF, 0xD8, 0xFF]
        let written = try BIFFile.encode(images: [stub, stub, stub], intervalSeconds: 5)
        #expect(written.count == 105)
        #expect(written == reference)
    }

    @Test func layoutMatchesTheDocumentedHex() throws {
        let stub: [UInt8] = [0xFF, 0xD8, 0xFF]
        let bytes = try BIFFile.encode(images: [stub, stub, stub], intervalSeconds: 5)
        #expect(Array(bytes[0..<20]) == [0x89, 0x42, 0x49, 0x46, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0, 3, 0, 0, 0, 0x88, 0x13, 0, 0])
        #expect(bytes[20..<64].allSatisfy { $0 == 0 })
        #expect(Array(bytes[0x58..<0x60]) == [0xFF, 0xFF, 0xFF, 0xFF, 0x69, 0, 0, 0])
    }

    @Test func roundTrips() throws {
        let images: [[UInt8]] = [[1, 2, 3, 4], [], [9]]
        let decoded = try BIFFile.decode(try BIFFile.encode(images: images, intervalSeconds: 10))
        #expect(decoded.separationMilliseconds == 10_000)
        #expect(decoded.images == images)
    }

    @Test func emptyBIFHasOnlyTheSentinel() throws {
        let bytes = try BIFFile.encode(images: [], intervalSeconds: 10)
        #expect(bytes.count == 72)
        #expect(try BIFFile.decode(bytes).images.isEmpty)
    }

    @Test(arguments: [0, -1, 3601])
    func rejectsBadIntervals(_ seconds: Int) {
        #expect(throws: BIFError.invalidInterval(seconds)) { try BIFFile.encode(images: [], intervalSeconds: seconds) }
    }

    @Test func rejectsDamagedFiles() throws {
        var bytes = try BIFFile.encode(images: [[1, 2, 3]], intervalSeconds: 5)
        #expect(throws: BIFError.self) { try BIFFile.decode(Array(bytes.prefix(40))) }
        bytes[0x48] = 0  // break the sentinel
        #expect(throws: BIFError.self) { try BIFFile.decode(bytes) }
        var huge = try BIFFile.encode(images: [[1]], intervalSeconds: 5)
        huge[12] = 0xFF
        #expect(throws: BIFError.self) { try BIFFile.decode(huge) }
    }
}
