import Previews
import Testing

struct PathMappingTests {
    static let mapping = PathMapping([
        .init(plexPrefix: "/data/media/movies", localPrefix: "/srv/movies"),
        .init(plexPrefix: "/data/media", localPrefix: "/mnt/media/"),
        .init(plexPrefix: "/data", localPrefix: "/never"),
        .init(plexPrefix: "F:\\Videos", localPrefix: "/mnt/videos"),
        .init(plexPrefix: "/tv/", localPrefix: "/"),
    ])

    @Test(arguments: [
        ("/data/media/movies/Up (2009)/Up.mkv", "/srv/movies/Up (2009)/Up.mkv"),
        ("/data/media/tv/Show/S01E01.mkv", "/mnt/media/tv/Show/S01E01.mkv"),  // first match wins, trailing slash trimmed
        ("/data/mediafoo/a.mkv", "/never/mediafoo/a.mkv"),  // "media" must be a whole segment
        ("/data/media", "/mnt/media"),
        ("/database/x.mkv", "/database/x.mkv"),  // no rule: unchanged
        ("F:\\Videos\\Film\\a.mkv", "/mnt/videos/Film/a.mkv"),
        ("/F:/Videos/a.mkv", "/F:/Videos/a.mkv"),  // a POSIX path never matches a Windows prefix
        ("/tv/Show/e.mkv", "/Show/e.mkv"),
        ("/data//media//movies/b.mkv", "/srv/movies/b.mkv"),
        ("/data/media/movies/Amélie.mkv", "/srv/movies/Amélie.mkv"),
    ])
    func maps(_ plexPath: String, _ expected: String) {
        #expect(Self.mapping.localPath(for: plexPath) == expected)
    }

    @Test func comparesSegmentsByCanonicalEquivalence() {
        // "é" precomposed in the rule, decomposed (NFD, as macOS/SMB may report it) in the path.
        let mapping = PathMapping([.init(plexPrefix: "/m/Caf\u{E9}", localPrefix: "/x")])
        #expect(mapping.localPath(for: "/m/Cafe\u{301}/a.mkv") == "/x/a.mkv")
    }

    @Test func emptyMappingLeavesPathsAlone() {
        #expect(PathMapping([]).localPath(for: "/a/b") == "/a/b")
    }

    @Test func unmappedPathsAreToldApart() {
        #expect(Self.mapping.mapped("/database/x.mkv") == nil)
        #expect(Self.mapping.mapped("/data/media/a.mkv") == "/mnt/media/a.mkv")
    }

    @Test func parsesAppPrefixEqualsLocalPrefixLines() {
        let mapping = PathMapping.parse(["/movies = /srv/movies", "no equals sign", "=/x", "/y=", " /tv=/srv/tv "])
        #expect(mapping.rules == [.init(plexPrefix: "/movies", localPrefix: "/srv/movies"), .init(plexPrefix: "/tv", localPrefix: "/srv/tv")])
        #expect(mapping.mapped("/movies/Up (2009)/Up.mkv") == "/srv/movies/Up (2009)/Up.mkv")
    }

    @Test func invertedMapsLocalPathsBackToPlexOnes() {
        let mapping = PathMapping([.init(plexPrefix: "/data/media", localPrefix: "/mnt/media/")])
        #expect(mapping.inverted.localPath(for: "/mnt/media/Movies/a.mkv") == "/data/media/Movies/a.mkv")
        #expect(mapping.inverted.localPath(for: "/elsewhere/a.mkv") == "/elsewhere/a.mkv")
    }
}
