import Core
import Media
import Previews
import Testing

#if canImport(Glibc)
    import Glibc
#endif

struct BIFOutputTests {
    @Test func writesIntoThePlexBundleAtomically() throws {
        let plex = MediaSupport.temporaryDirectory("plex")
        defer { MediaSupport.removeTree(plex) }
        let bundle = try PlexBundlePath(plexConfigFolder: plex, hash: "9f0965f0bd293b803661ba0d9b005c055ce7f683")
        let first = try BIFFile.encode(images: [[0xFF, 0xD8, 0xFF]], intervalSeconds: 10)
        try BIFOutput.write(first, to: bundle)
        #expect(try FileSystem.read(bundle.bifPath) == first)
        let second = try BIFFile.encode(images: [[0xFF, 0xD8, 0xFF], [0xFF, 0xD8, 0xFF]], intervalSeconds: 10)
        try BIFOutput.write(second, to: bundle)
        #expect(try FileSystem.read(bundle.bifPath) == second)
        // Only the BIF is left in Indexes: the temp file was renamed, not left behind.
        #expect(FileSystem.list(bundle.indexesDirectory) == ["index-sd.bif"])
        var info = stat()
        #expect(stat(bundle.indexesDirectory, &info) == 0 && info.st_mode & 0o777 == 0o755)
    }

    @Test func givesNewDirectoriesAndTheBIFThePlexFoldersOwner() throws {
        guard geteuid() == 0 else { print("skipped: chown to another user needs root"); return }
        let plex = MediaSupport.temporaryDirectory("plexowner")
        defer { MediaSupport.removeTree(plex) }
        #expect(chown(plex, 4321, 8765) == 0)
        let bundle = try PlexBundlePath(plexConfigFolder: plex, hash: "0123456789abcdef0123456789abcdef01234567")
        try BIFOutput.write(try BIFFile.encode(images: [], intervalSeconds: 10), to: bundle)
        for path in [plex + "/Media", plex + "/Media/localhost", bundle.bundleDirectory, bundle.indexesDirectory, bundle.bifPath] {
            var info = stat()
            #expect(stat(path, &info) == 0)
            #expect(info.st_uid == 4321 && info.st_gid == 8765, "\(path)")
        }
    }

    @Test func failsWhenThePlexFolderIsMissing() throws {
        let bundle = try PlexBundlePath(plexConfigFolder: "/nonexistent/plex", hash: "9f0965f0bd293b803661ba0d9b005c055ce7f683")
        #expect(throws: SystemError.self) { try BIFOutput.write([1], to: bundle) }
    }
}
