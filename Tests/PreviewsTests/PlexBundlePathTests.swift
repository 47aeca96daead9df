import Previews
import Testing

struct PlexBundlePathTests {
    @Test func buildsTheBundlePathFromTheReferenceCassette() throws {
        let path = try PlexBundlePath(plexConfigFolder: "/plex/", hash: "9f0965f0bd293b803661ba0d9b005c055ce7f683")
        #expect(path.bundleDirectory == "/plex/Media/localhost/9/f0965f0bd293b803661ba0d9b005c055ce7f683.bundle")
        #expect(path.bifPath == "/plex/Media/localhost/9/f0965f0bd293b803661ba0d9b005c055ce7f683.bundle/Contents/Indexes/index-sd.bif")
    }

    @Test func lowercasesTheHash() throws {
        let path = try PlexBundlePath(plexConfigFolder: "/p", hash: "9F0965F0BD293B803661BA0D9B005C055CE7F683")
        #expect(path.indexesDirectory == "/p/Media/localhost/9/f0965f0bd293b803661ba0d9b005c055ce7f683.bundle/Contents/Indexes")
    }

    @Test(arguments: [
        "", "abc123def456", "9f0965f0bd293b803661ba0d9b005c055ce7f68", "9f0965f0bd293b803661ba0d9b005c055ce7f6833",
        "../../etc/passwd/0bd293b803661ba0d9b005c", "9g0965f0bd293b803661ba0d9b005c055ce7f683",
    ])
    func rejectsHashesPlexWouldNotGive(_ hash: String) {
        #expect(throws: PlexBundlePathError.invalidHash(hash)) { try PlexBundlePath(plexConfigFolder: "/plex", hash: hash) }
    }

    @Test func rejectsAnEmptyFolder() {
        #expect(throws: PlexBundlePathError.emptyConfigFolder) {
            try PlexBundlePath(plexConfigFolder: "", hash: "9f0965f0bd293b803661ba0d9b005c055ce7f683")
        }
    }
}
