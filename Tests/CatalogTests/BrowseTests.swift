@testable import CatalogFixtures
import Core
import Store
import TestSupport
import Testing

@testable import Catalog

/// Reads narrowed by library grants, per-user progress, and search, over a scanned library with
/// metadata written straight into the catalog (as a TMDb refresh would).
@Suite struct BrowseTests {
    /// A scanned movie library with genres, a director and cast on its movies; answers its id.
    static func catalog(_ fixture: CatalogFixture) async throws -> String {
        let folder = fixture.media + "/movies"
        try MediaTree.write(folder, ["The Matrix (1999)/The Matrix (1999).mkv", "Heat (1995)/Heat (1995).mkv", "Speed (1994)/Speed (1994).mkv"])
        let library = try await fixture.library("Movies", type: "movie", folder: folder)
        _ = try await fixture.scan(library)
        let database = fixture.database
        try await database.perform { try database.transaction { connection in
            try connection.execute("INSERT INTO genres (id, slug, name) VALUES (28, 'action', 'Action'), (878, 'science-fiction', 'Science Fiction')")
            try connection.execute("INSERT INTO people (id, tmdb_id, name) VALUES (1, 6384, 'Keanu Reeves'), (2, 1158, 'Al Pacino'), (3, 9340, 'Lana Wachowski')")
            let ids = Dictionary(uniqueKeysWithValues: try connection.query("SELECT title, id FROM movies").map { ($0[0].stringValue!, $0[1].stringValue!) })
            for (title, genres, people, votes, rating) in [
                ("The Matrix", [28, 878], [(1, "cast"), (3, "crew")], 25000, 8.2), ("Heat", [28], [(2, "cast")], 7000, 7.9),
                ("Speed", [28], [(1, "cast")], 5000, 7.1),
            ] {
                let id = ids[title]!
                try connection.execute("UPDATE movies SET vote_count = ?, vote_average = ?, popularity = ? WHERE id = ?",
                                       [.integer(Int64(votes)), .real(rating), .real(rating * 10), .text(id)])
                for genre in genres {
                    try connection.execute("INSERT INTO movie_genres (movie_id, genre_id, created_at) VALUES (?, ?, 0)", [.text(id), .integer(Int64(genre))])
                }
                for (index, (person, type)) in people.enumerated() {
                    try connection.execute(
                        "INSERT INTO movie_credits (id, movie_id, person_id, credit_type, job, cast_order, created_at) VALUES (?, ?, ?, ?, ?, ?, 0)",
                        [.text("\(id)-\(index)"), .text(id), .integer(Int64(person)), .text(type), type == "crew" ? "Director" : nil, .integer(Int64(index))])
                }
                try SearchIndex.refreshMovie(connection, id: id)
            }
        } }
        return library
    }

    @Test func listsFilterSortAndStayWithinTheCallersLibraries() async throws {
        let fixture = try CatalogFixture(settings: ScanTests.names)
        defer { Task { await fixture.stop() } }
        let library = try await Self.catalog(fixture)
        let rated = try await fixture.owner("GET", "/api/v1/movies?order_by=rating&genre=science-fiction")
        #expect(rated["items"]?.arrayValue?.compactMap { $0["title"]?.stringValue } == ["The Matrix"])
        let top = try await fixture.owner("GET", "/api/v1/movies/top-rated?min_votes=6000")
        #expect(top["items"]?.arrayValue?.compactMap { $0["title"]?.stringValue } == ["The Matrix", "Heat"])
        #expect(try await fixture.owner("GET", "/api/v1/movies?year=1995")["total"] == 1)
        #expect(try await fixture.request("GET", "/api/v1/movies?order_by=nonsense", headers: ["X-Auth-Token": CatalogFixture.token]).status == 400)
        let matrix = try #require(rated["items"]?.arrayValue?.first?["id"]?.stringValue)
        let similar = try await fixture.owner("GET", "/api/v1/movies/\(matrix)/similar")
        #expect(similar["similar_movies"]?.arrayValue?.first?["title"] == "Speed")  // shares Keanu Reeves and Action
        let cast = try await fixture.owner("GET", "/api/v1/movies/\(matrix)/cast")
        #expect(cast["items"]?.arrayValue?.first?["name"] == "Keanu Reeves")

        // A user without a grant sees nothing: lists, details, search, facets.
        let user = try await fixture.signedInUser("bob")
        for path in ["/api/v1/movies", "/api/v1/movies/top-rated?min_votes=0", "/api/v1/movies/recently-added"] {
            let reply = try await fixture.request("GET", path, headers: user.headers)
            #expect(reply.status == 200)
            #expect(try JSON.parseStrict(reply.body)["total"] == 0, "\(path)")
        }
        #expect(try await fixture.request("GET", "/api/v1/movies/\(matrix)", headers: user.headers).status == 404)
        #expect(try await fixture.request("GET", "/api/v1/movies/\(matrix)/cast", headers: user.headers).status == 404)
        let search = try JSON.parseStrict(try await fixture.request("GET", "/api/v1/search/movies?q=matrix", headers: user.headers).body)
        #expect(search["total_hits"] == 0)
        let facets = try JSON.parseStrict(try await fixture.request("GET", "/api/v1/search/movies/facets", headers: user.headers).body)
        #expect(facets["genres"] == [])
        let suggestions = try JSON.parseStrict(try await fixture.request("GET", "/api/v1/search/movies/autocomplete?q=ma", headers: user.headers).body)
        #expect(suggestions["suggestions"] == [])

        _ = try await fixture.owner("POST", "/api/v1/libraries/\(library)/permissions", json: ["user_id": .string(user.id), "permission": "view"],
                                    expect: 201)
        let granted = try JSON.parseStrict(try await fixture.request("GET", "/api/v1/search/movies?q=keanu", headers: user.headers).body)
        #expect(granted["total_hits"] == 2)
    }

    @Test func searchMatchesPrefixesForgivesATypoAndCountsFacets() async throws {
        let fixture = try CatalogFixture(settings: ScanTests.names)
        defer { Task { await fixture.stop() } }
        _ = try await Self.catalog(fixture)
        let prefix = try await fixture.owner("GET", "/api/v1/search/movies?q=matr")
        #expect(prefix["hits"]?.arrayValue?.first?["document"]?["title"] == "The Matrix")
        #expect(prefix["hits"]?.arrayValue?.first?["document"]?["directors"] == ["Lana Wachowski"])
        let typo = try await fixture.owner("GET", "/api/v1/search/movies?q=pacimo")
        #expect(typo["corrected_query"] == "pacino")
        #expect(typo["hits"]?.arrayValue?.first?["document"]?["title"] == "Heat")
        let filtered = try await fixture.owner("GET", "/api/v1/search/movies?q=keanu&filter_by=genres:=Science%20Fiction")
        #expect(filtered["total_hits"] == 1)
        let bad = try await fixture.request("GET", "/api/v1/search/movies?q=a&filter_by=password:=x", headers: ["X-Auth-Token": CatalogFixture.token])
        #expect(bad.status == 400)
        let facets = try await fixture.owner("GET", "/api/v1/search/movies/facets")
        #expect(facets["genres"]?.arrayValue?.first == ["value": "Action", "count": 3])
        let auto = try await fixture.owner("GET", "/api/v1/search/movies/autocomplete?q=sp")
        #expect(auto["suggestions"] == ["Speed"])
        // FTS syntax in a query is only words.
        #expect(try await fixture.owner("GET", "/api/v1/search/movies?q=%22%29%28*NEAR")["total_hits"] == 0)
    }

    @Test func progressIsPerUserAndWatchedPastNinetyPercent() async throws {
        let fixture = try CatalogFixture(settings: ScanTests.names)
        defer { Task { await fixture.stop() } }
        _ = try await Self.catalog(fixture)
        let movie = try #require(try await fixture.owner("GET", "/api/v1/movies?order_by=title")["items"]?.arrayValue?.first?["id"]?.stringValue)
        let half = try await fixture.owner("POST", "/api/v1/movies/\(movie)/progress", json: ["progress_seconds": 3600, "duration_seconds": 7200])
        #expect(half["progress_percent"] == 50)
        #expect(half["is_completed"] == false)
        #expect(try await fixture.owner("GET", "/api/v1/movies/continue-watching").arrayValue?.count == 1)
        let done = try await fixture.owner("POST", "/api/v1/movies/\(movie)/progress", json: ["progress_seconds": 6600, "duration_seconds": 7200])
        #expect(done["is_completed"] == true)
        #expect(done["watch_count"] == 1)
        #expect(try await fixture.owner("GET", "/api/v1/movies/continue-watching").arrayValue?.count == 0)
        #expect(try await fixture.owner("GET", "/api/v1/movies/watch-history").arrayValue?.first?["watch_count"] == 1)
        #expect(try await fixture.owner("GET", "/api/v1/movies?watched=true")["total"] == 1)
        let stats = try await fixture.owner("GET", "/api/v1/movies/stats")
        #expect(stats["watched_count"] == 1)

        // Another user's progress is their own.
        let user = try await fixture.signedInUser("cyd", roles: ["admin"])
        #expect(try await fixture.request("GET", "/api/v1/movies/\(movie)/progress", headers: user.headers).status == 404)
        let bad = try await fixture.request(
            "POST", "/api/v1/movies/\(movie)/progress", headers: user.headers, json: ["progress_seconds": -1, "duration_seconds": 10])
        #expect(bad.status == 400)
        _ = try await fixture.owner("DELETE", "/api/v1/movies/\(movie)/progress", expect: 204)
        #expect(try await fixture.request("GET", "/api/v1/movies/\(movie)/progress", headers: ["X-Auth-Token": CatalogFixture.token]).status == 404)
    }
}
