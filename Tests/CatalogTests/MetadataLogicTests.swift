import Fetch
import HTTP
import Testing

@testable import Catalog

/// The pure parts of the TMDb work: names, slugs, dates, matching, the answer cache, trailers.
@Suite struct MetadataLogicTests {
    @Test(arguments: [
        ("poster", "w500", "abc123.jpg", true), ("backdrop", "original", "A-b_C.webp", true), ("logo", "w45", "x.svg", true),
        ("profile", "h632", "p.png", true), ("still", "w300", "s.jpg", true), ("poster", "w300", "a.jpg", false),
        ("poster", "w500", "../a.jpg", false), ("poster", "w500", "a.jpeg", false), ("poster", "w500", "a.jpg/b", false),
        ("poster", "w500", "/a.jpg", false), ("poster", "w500", "a..jpg", false), ("poster", "w500", "", false), ("cover", "w500", "a.jpg", false),
        ("poster", "w500", "ä.jpg", false), ("poster", "w500", "a.JPG", false),
    ])
    func imageNames(_ type: String, _ size: String, _ file: String, _ valid: Bool) {
        #expect(((try? ImageName(type: type, size: size, file: file)) != nil) == valid, "\(type)/\(size)/\(file)")
    }

    @Test(arguments: [
        ("Science Fiction", "science-fiction"), ("Action & Adventure", "action-adventure"), ("Sci-Fi & Fantasy", "sci-fi-fantasy"),
        ("TV Movie", "tv-movie"), ("  ", "genre"), ("Krimi", "krimi"),
    ])
    func genreSlugs(_ name: String, _ slug: String) {
        #expect(MetadataRefresher.slug(name) == slug)
    }

    @Test(
        arguments: [
            ("1999-03-31", "1999-03-31", 1999), ("", nil, nil), ("1999", nil, nil), ("1999-3-31", nil, nil), ("19990-3-31", nil, nil),
        ] as [(String, String?, Int?)])
    func tmdbDates(_ text: String, _ day: String?, _ year: Int?) {
        #expect(TMDbDate.day(text) == day)
        #expect(TMDbDate.year(text) == year)
    }

    @Test func matchingPrefersTheYearThenTheExactTitle() {
        let candidates = [
            MetadataRefresher.Candidate(id: 1, titles: ["Revenge"], year: 2017),
            MetadataRefresher.Candidate(id: 2, titles: ["Revenge"], year: 1990),
        ]
        #expect(MetadataRefresher.pick(candidates, for: .init(title: "Revenge", year: 1990, tmdbID: nil)) == 2)
        #expect(MetadataRefresher.pick(candidates, for: .init(title: "revenge ", year: 2001, tmdbID: nil)) == 1)
        #expect(MetadataRefresher.pick(candidates, for: .init(title: "Revenge of the Nerds", year: nil, tmdbID: nil)) == nil)
        #expect(MetadataRefresher.pick([], for: .init(title: "Revenge", year: 1990, tmdbID: nil)) == nil)
    }

    @Test func sortTitlesDropALeadingArticle() {
        #expect(MetadataRefresher.sortTitle("The Matrix") == "Matrix")
        #expect(MetadataRefresher.sortTitle("An American Tail") == "American Tail")
        #expect(MetadataRefresher.sortTitle("Theory") == "Theory")
        #expect(MetadataRefresher.sortTitle("The ") == "The ")
    }

    @Test func queriesArePercentEncoded() {
        #expect(TMDbClient.percentEncoded("Amélie & co/?=") == "Am%C3%A9lie%20%26%20co%2F%3F%3D")
        #expect(TMDbClient.queryString([("query", "a b"), ("year", "1999")]) == "?query=a%20b&year=1999")
        #expect(TMDbClient.queryString([]) == "")
    }

    @Test func theCacheDropsTheOldestPastItsCapacity() {
        let cache = TMDbCache(capacity: 2)
        cache.store([1], for: "a", lifetimeSeconds: 60)
        cache.store([2], for: "b", lifetimeSeconds: 60)
        cache.store([3], for: "c", lifetimeSeconds: 60)
        #expect(cache.body(for: "a") == nil)
        #expect(cache.body(for: "b") == [2])
        #expect(cache.body(for: "c") == [3])
        cache.store([4], for: "b", lifetimeSeconds: 60)
        #expect(cache.body(for: "b") == [4])
        cache.store([5], for: "d", lifetimeSeconds: 0)
        #expect(cache.body(for: "d") == nil)
    }

    @Test func theTrailerIsAnOfficialYouTubeTrailer() {
        let videos = TMDb.Videos(results: [
            TMDb.Video(key: "teaser", site: "YouTube", type: "Teaser", official: true),
            TMDb.Video(key: "vimeo1", site: "Vimeo", type: "Trailer", official: true),
            TMDb.Video(key: "fan", site: "YouTube", type: "Trailer", official: false),
            TMDb.Video(key: "x\"><script>", site: "YouTube", type: "Trailer", official: true),
            TMDb.Video(key: "real_1-Key", site: "YouTube", type: "Trailer", official: true),
        ])
        #expect(videos.trailerURL == "https://www.youtube.com/watch?v=real_1-Key")
        #expect(TMDb.Videos(results: []).trailerURL == nil)
    }

    @Test func retriedStatusesAndTheirWait() async {
        #expect(RetryWait.isRetried(429) && RetryWait.isRetried(500) && RetryWait.isRetried(599))
        #expect(!RetryWait.isRetried(401) && !RetryWait.isRetried(404) && !RetryWait.isRetried(200))
        #expect(MetadataError.notConfigured.httpError.status == 503)
        #expect(MetadataError.refused.httpError.status == 502)
        #expect(MetadataError.notFound("movie 1").httpError.status == 404)
        #expect(MetadataError.upstream("x").httpError.status == 502)
    }
}
