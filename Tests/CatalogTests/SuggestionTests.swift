import Core
import Store
import Testing

@testable import Catalog
@testable import CatalogFixtures

/// Autocomplete answers the same titles whether the walk over the most popular movies finds them or
/// the full-text index does.
@Suite struct SuggestionTests {
    @Test func theWalkAndTheIndexAgree() async throws {
        let fixture = try CatalogFixture()
        defer { Task { await fixture.stop() } }
        let titles = [
            "The Matrix", "Matrix Reloaded", "Mad Max", "Master and Commander", "Marathon Man", "Magnolia", "The Mask",
            "Amélie", "Mary Poppins", "Matilda", "River of Stone", "Stone Cold", "Rivers Edge", "The Master", "Mad Max",
        ]
        for (n, title) in titles.enumerated() {
            let id = try await fixture.seedMovie(title, year: 2000 + n)
            try await fixture.catalog.perform { connection in
                try connection.execute("UPDATE movies SET popularity = ? WHERE id = ?", [.real(Double(100 - n * 3)), .text(id)])
            }
        }
        _ = try await fixture.catalog.perform { connection in try SearchIndex.rebuild(connection) }
        for typed in ["ma", "mat", "the ma", "riv", "stone", "mad max", "zz", "m", "am"] {
            for limit in [1, 3, 10] {
                let (walked, indexed) = try await fixture.catalog.perform { connection in
                    var walk = MovieSearch(connection, scope: .all)
                    let walked = try walk.suggestions(typed, limit: limit)
                    walk.popularWalk = 2
                    return (walked, try walk.suggestions(typed, limit: limit))
                }
                #expect(walked == indexed, "\(typed) \(limit)")
            }
        }
        let first = try await fixture.catalog.perform { connection in try MovieSearch(connection, scope: .all).suggestions("ma", limit: 3) }
        #expect(first == ["The Matrix", "Matrix Reloaded", "Mad Max"])
    }
}
