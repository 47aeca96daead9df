import Testing

@testable import Catalog

/// One path and what the parser should make of it; named by its path in the test report.
struct NameCase<Expected: Sendable & Equatable>: Sendable, CustomTestStringConvertible {
    let path: String
    let expected: Expected
    var testDescription: String { path.count > 80 ? "\(path.prefix(60))… (\(path.utf8.count) bytes)" : path }

    init(_ path: String, _ expected: Expected) {
        self.path = path
        self.expected = expected
    }
}

@Suite struct ReleaseNameTests {
    static let tooLong = String(repeating: "a", count: 4090) + ".mkv.mkv"
    static let tooDeep = String(repeating: "Folder/", count: 64) + "Alien (1979).mkv"

    // MARK: Movies

    static let movies: [NameCase<ParsedMovie?>] = [
        NameCase("The Matrix (1999)/The Matrix (1999).mkv", ParsedMovie(title: "The Matrix", year: 1999)),
        NameCase("The.Matrix.1999.1080p.BluRay.x264-GROUP.mkv", ParsedMovie(title: "The Matrix", year: 1999, resolution: "1080p")),
        NameCase("Movies/Alien (1979) {tmdb-348}/Alien.mkv", ParsedMovie(title: "Alien", year: 1979, tmdbID: 348)),
        NameCase("2001 A Space Odyssey (1968).mkv", ParsedMovie(title: "2001 A Space Odyssey", year: 1968)),
        NameCase("1917 (2019).mkv", ParsedMovie(title: "1917", year: 2019)),
        NameCase(
            "Blade Runner 2049 (2017)/Blade Runner 2049 (2017) - 2160p.mkv",
            ParsedMovie(title: "Blade Runner 2049", year: 2017, resolution: "2160p")),
        NameCase("Se7en.mkv", ParsedMovie(title: "Se7en")),
        NameCase(
            "The Matrix (1999) [imdbid-tt0133093] [tmdbid=603].mp4",
            ParsedMovie(title: "The Matrix", year: 1999, tmdbID: 603, imdbID: "tt0133093")),
        NameCase("Blade Runner (1982) {edition-Director's Cut}.mkv", ParsedMovie(title: "Blade Runner", year: 1982, edition: "Director's Cut")),
        NameCase("Mission: Impossible - Fallout (2018).mkv", ParsedMovie(title: "Mission: Impossible - Fallout", year: 2018)),
        NameCase("Mr. & Mrs. Smith (2005).avi", ParsedMovie(title: "Mr. & Mrs. Smith", year: 2005)),
        NameCase("Amélie_(2001)_[720p].mkv", ParsedMovie(title: "Amélie", year: 2001, resolution: "720p")),
        NameCase(
            "A.I.Artificial.Intelligence.2001.4K.HDR.DDP5.1.Atmos-GRP.mkv",
            ParsedMovie(title: "A.I. Artificial Intelligence", year: 2001, resolution: "2160p")),
        NameCase(
            "Harry Potter and the Deathly Hallows Part 1 (2010).mkv",
            ParsedMovie(title: "Harry Potter and the Deathly Hallows Part 1", year: 2010)),
        NameCase("Heat.WEBRip.x265-GRP.mkv", ParsedMovie(title: "Heat")),
        NameCase(
            "Spider-Man.No.Way.Home.2021.2160p.WEB-DL.DDP5.1.Atmos.DV.HDR.H.265-FLUX.mkv",
            ParsedMovie(title: "Spider-Man No Way Home", year: 2021, resolution: "2160p")),
        NameCase("Kill_Bill_Vol._1_(2003).mkv", ParsedMovie(title: "Kill Bill Vol. 1", year: 2003)),
        // Words that are junk only in capitals stay in a title written in mixed case.
        NameCase("DC League of Super-Pets (2022).mkv", ParsedMovie(title: "DC League of Super-Pets", year: 2022)),
        NameCase("Charlotte's Web (1973).mkv", ParsedMovie(title: "Charlotte's Web", year: 1973)),
        NameCase("Ocean's Eleven [2001].mkv", ParsedMovie(title: "Ocean's Eleven", year: 2001)),
        // Junk file names fall back to the folder that names the movie.
        NameCase("Alien (1979) {tmdb-348}/movie.mkv", ParsedMovie(title: "Alien", year: 1979, tmdbID: 348)),
        NameCase("Heat (1995)/CD1.avi", ParsedMovie(title: "Heat", year: 1995)),
        NameCase("Heat (1995)/a8f3e9b1c4d72f06.mkv", ParsedMovie(title: "Heat", year: 1995)),
        NameCase("Heat (1995)/Disc 2/VIDEO_TS/VTS_01_1.vob", ParsedMovie(title: "Heat", year: 1995)),
        // The folder lends its year only to the movie it names.
        NameCase("Alien (1979)/Alien.Directors.Cut.mkv", ParsedMovie(title: "Alien Directors Cut", year: 1979)),
        NameCase("Alien (1979)/Aliens.mkv", ParsedMovie(title: "Aliens")),
        NameCase("Collection/Aliens.mkv", ParsedMovie(title: "Aliens")),
        // Names of nothing, and inputs past the limits.
        NameCase("", nil),
        NameCase("....", nil),
        NameCase(".mkv", nil),
        NameCase("1080p.BluRay.x264-GROUP.mkv", nil),
        NameCase("(2019).mkv", nil),
        NameCase("Movies/movie.mkv", nil),
        NameCase("Movie (1850)/[].mkv", ParsedMovie(title: "Movie (1850)")),
        NameCase(tooLong, nil),
        NameCase(tooDeep, nil),
    ]

    @Test(arguments: movies)
    func movieFromPath(_ example: NameCase<ParsedMovie?>) {
        #expect(ReleaseName.movie(example.path) == example.expected)
    }

    // MARK: Episodes

    static let episodes: [NameCase<ParsedEpisode?>] = [
        NameCase("Show/Season 01/Show - S01E02 - Name.mkv", ParsedEpisode(seriesTitle: "Show", season: 1, episodes: [2], episodeTitle: "Name")),
        NameCase("Show.S01E02.720p.HDTV.mkv", ParsedEpisode(seriesTitle: "Show", season: 1, episodes: [2], resolution: "720p")),
        NameCase("show.s01e02e03.mkv", ParsedEpisode(seriesTitle: "show", season: 1, episodes: [2, 3])),
        NameCase("Show - S01E01-E03.mkv", ParsedEpisode(seriesTitle: "Show", season: 1, episodes: [1, 2, 3])),
        NameCase("Show/Season 1/1x02 - Name.mkv", ParsedEpisode(seriesTitle: "Show", season: 1, episodes: [2], episodeTitle: "Name")),
        NameCase("Show/Season 1/1x02-1x03.mkv", ParsedEpisode(seriesTitle: "Show", season: 1, episodes: [2, 3])),
        NameCase("Show/Specials/Show - S00E01.mkv", ParsedEpisode(seriesTitle: "Show", season: 0, episodes: [1])),
        NameCase(
            "Show (2010) {tvdb-12345}/Season 02/Show S02E05.mkv",
            ParsedEpisode(seriesTitle: "Show", seriesYear: 2010, tvdbID: 12345, season: 2, episodes: [5])),
        NameCase(
            "Daily Show/Season 2024/Daily Show - 2024-03-01 - Guest.mkv",
            ParsedEpisode(seriesTitle: "Daily Show", season: 2024, episodes: [301], episodeTitle: "Guest", airDate: "2024-03-01")),
        NameCase(
            "The.Daily.Show.2024.02.29.Guest.Name.720p.WEB.h264-GRP.mkv",
            ParsedEpisode(
                seriesTitle: "The Daily Show", season: 2024, episodes: [229], episodeTitle: "Guest Name",
                airDate: "2024-02-29", resolution: "720p")),
        NameCase("Show/Season 01/Episode 5.mkv", ParsedEpisode(seriesTitle: "Show", season: 1, episodes: [5])),
        NameCase("Show/S01/E05.mkv", ParsedEpisode(seriesTitle: "Show", season: 1, episodes: [5])),
        NameCase(
            "Show/Season 03/07 - The Long Night.mkv",
            ParsedEpisode(seriesTitle: "Show", season: 3, episodes: [7], episodeTitle: "The Long Night")),
        NameCase(
            "Doctor.Who.2005.S01E01.Rose.1080p.BluRay.x264-GRP.mkv",
            ParsedEpisode(seriesTitle: "Doctor Who", seriesYear: 2005, season: 1, episodes: [1], episodeTitle: "Rose", resolution: "1080p")),
        NameCase(
            "TV/Show (2010) {tmdb-1399}/Show - S01E01-1080p.mkv",
            ParsedEpisode(seriesTitle: "Show", seriesYear: 2010, tmdbID: 1399, season: 1, episodes: [1], resolution: "1080p")),
        NameCase("1883/Season 01/1883 - S01E01 - 1883.mkv", ParsedEpisode(seriesTitle: "1883", season: 1, episodes: [1], episodeTitle: "1883")),
        NameCase("Show - S01E01-E99.mkv", ParsedEpisode(seriesTitle: "Show", season: 1, episodes: Array(1...50))),
        NameCase("Show/S01E02.mkv", ParsedEpisode(seriesTitle: "Show", season: 1, episodes: [2])),
        NameCase(
            "Marvel's.Agents.of.S.H.I.E.L.D.S01E01.mkv", ParsedEpisode(seriesTitle: "Marvel's Agents of S.H.I.E.L.D.", season: 1, episodes: [1])),
        NameCase("Show - S01E01-03 - Title.mkv", ParsedEpisode(seriesTitle: "Show", season: 1, episodes: [1, 2, 3], episodeTitle: "Title")),
        // Names of nothing, and inputs past the limits.
        NameCase("", nil),
        NameCase("S01E02.mkv", nil),
        NameCase("Show S99999E99999.mkv", nil),
        NameCase("The Matrix (1999)/The Matrix (1999).mkv", nil),
        NameCase("Show/Season 01/Notes.mkv", nil),
        NameCase("Show 2024-02-30.mkv", nil),
        NameCase("Show 1920x1080.mkv", nil),
        NameCase(tooLong, nil),
        NameCase(String(repeating: "Show/", count: 63) + "Season 01/Show - S01E01.mkv", nil),
    ]

    @Test(arguments: episodes)
    func episodeFromPath(_ example: NameCase<ParsedEpisode?>) {
        #expect(ReleaseName.episode(example.path) == example.expected)
    }

    // MARK: Ignored paths

    static let ignored: [NameCase<Bool>] = [
        NameCase("The Matrix (1999)/The Matrix (1999).mkv", false),
        NameCase("Show/Season 01/Show - S01E01.M2TS", false),
        NameCase("The Matrix (1999)/Sample/sample.mkv", true),
        NameCase("The Matrix (1999)/Trailers/Teaser.mp4", true),
        NameCase("The Matrix (1999)/Behind The Scenes/Making Of.mkv", true),
        NameCase("The Matrix (1999)/Deleted_Scenes/Scene 1.mkv", true),
        NameCase("The Matrix (1999)/Featurettes/Bullet Time.mkv", true),
        NameCase("The Matrix (1999)/The Matrix (1999)-trailer.mkv", true),
        NameCase("The Matrix (1999)/The Matrix (1999)-behindthescenes.mp4", true),
        NameCase("the.matrix.1999.1080p-grp.sample.mkv", true),
        NameCase("The Matrix (1999)/.The Matrix (1999).mkv", true),
        NameCase(".hidden/The Matrix (1999).mkv", true),
        NameCase("@eaDir/The Matrix (1999).mkv", true),
        NameCase("#recycle/The Matrix (1999).mkv", true),
        NameCase("The Matrix (1999)/.@__thumb/The Matrix (1999).mkv", true),
        NameCase("The Matrix (1999)/The Matrix (1999).srt", true),
        NameCase("The Matrix (1999)/The Matrix (1999).iso", true),
        NameCase("The Matrix (1999)/The Matrix (1999)", true),
        NameCase("", true),
        NameCase(tooLong, true),
        NameCase(tooDeep, true),
    ]

    @Test(arguments: ignored)
    func ignoredPaths(_ example: NameCase<Bool>) {
        #expect(ReleaseName.isIgnored(example.path) == example.expected)
    }

    // MARK: Sort titles

    static let sortTitles: [NameCase<String>] = [
        NameCase("The Matrix", "matrix"),
        NameCase("A Beautiful Mind", "beautiful mind"),
        NameCase("An American Werewolf in London", "american werewolf in london"),
        NameCase("Theodora", "theodora"),
        NameCase("The", "the"),
        NameCase("  Alien ", "alien"),
    ]

    @Test(arguments: sortTitles)
    func sortTitle(_ example: NameCase<String>) {
        #expect(ReleaseName.sortTitle(example.path) == example.expected)
    }

    // MARK: Hostile input

    /// Every prefix of awkward names goes through every entry point: cuts in the middle of a marker,
    /// a tag, a multi-byte character or a date must give a value or nil, never a trap.
    @Test func everyPrefixOfAwkwardNamesParsesWithoutTrapping() {
        let names = [
            "Show (2010) {tvdb-12345}/Season 02/Show S02E05E06-E09 - 1x01-1x03 2024-02-29 [WEB-DL-1080p].mkv",
            "千と千尋の神隠し (2001) {tmdb-129}/Épisode ①.S01E01-03.mkv",
            "{[(((]]}})).-_.-_S9999E9999-E0000-x-1x-9x999x.mkv",
        ]
        var parsed = 0
        for name in names {
            for end in name.indices {
                let prefix = String(name[..<end])
                _ = ReleaseName.isIgnored(prefix)
                _ = ReleaseName.sortTitle(prefix)
                if ReleaseName.movie(prefix) != nil { parsed += 1 }
                if ReleaseName.episode(prefix) != nil { parsed += 1 }
            }
        }
        #expect(parsed > 0)
    }
}
