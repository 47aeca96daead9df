import Core
import Store
import Testing

@testable import Catalog
@testable import CatalogFixtures

/// A search with more hits than `broadHits` puts its title matches first (score 1), then fills the rest
/// (score 0), each tier most popular first; below it, every hit is ranked by bm25. Either way the
/// count is of every hit and titles come first.
@Suite struct BroadSearchTests {
    @Test func aBroadMatchRanksTitlesThenFillsByPopularity() async throws {
        let fixture = try CatalogFixture()
        defer { Task { await fixture.stop() } }
        let movies: [(title: String, overview: String, popularity: Double)] = [
            ("Stone Cold", "A detective.", 10), ("River of Stone", "Water.", 5), ("Glass", "A stone falls.", 50),
            ("Iron", "Stonework and more.", 90), ("Winter", "Snow.", 99), ("Stoned", "Nothing.", 1),
        ]
        for movie in movies {
            let id = try await fixture.seedMovie(movie.title, year: 2000)
            try await fixture.catalog.perform { connection in
                try connection.execute(
                    "UPDATE movies SET popularity = ?, overview = ? WHERE id = ?", [.real(movie.popularity), .text(movie.overview), .text(id)])
            }
        }
        _ = try await fixture.catalog.perform { connection in try SearchIndex.rebuild(connection) }
        let match = try #require(FTSQuery.prefixMatch("sto"))
        let (ranked, broad) = try await fixture.catalog.perform { connection in
            var search = MovieSearch(connection, scope: .all)
            let ranked = try search.search(match: match, filter: try MovieSearch.Filter(nil), sort: nil, limit: 10, offset: 0)
            search.broadHits = 2
            return (ranked, try search.search(match: match, filter: try MovieSearch.Filter(nil), sort: nil, limit: 10, offset: 0))
        }
        let titles = { (rows: [Row]) in rows.compactMap { $0["title"].stringValue } }
        #expect(ranked.total == 5)
        #expect(broad.total == 5)
        #expect(Set(titles(ranked.rows).prefix(3)) == ["Stone Cold", "River of Stone", "Stoned"])
        #expect(Array(titles(broad.rows).prefix(3)) == ["Stone Cold", "River of Stone", "Stoned"])
        // Past the title matches, the overview matches go most popular first, scored 0.
        #expect(Array(titles(broad.rows).suffix(2)) == ["Iron", "Glass"])
        #expect(broad.rows.suffix(2).allSatisfy { $0["score"].doubleValue == 0 })
        #expect(broad.rows.prefix(3).allSatisfy { $0["score"].doubleValue == 1 })
        #expect(ranked.rows.prefix(3).allSatisfy { ($0["score"].doubleValue ?? 0) > 0 })
        #expect(broad.facets["years"]?.first?.1 == 5)
    }
}
