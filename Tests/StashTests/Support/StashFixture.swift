import Catalog
import Core
import HTTP
import Stash
import Store
import TestSupport

@testable import CatalogFixtures

/// A real server on 127.0.0.1 with the Stash routes over a fresh state database (the catalog
/// fixture's), pointed at a fake Stash on another port.
final class StashFixture: @unchecked Sendable {
    let server: CatalogFixture
    let stash: StashService
    let fake: FakeStash

    init(scenes: Int = 240, settings: (inout StashSettings) -> Void = { _ in }) throws {
        let fake = try FakeStash(scenes: scenes)
        self.fake = fake
        var configured = StashSettings(enabled: true, url: fake.url, apiKey: FakeStash.key, timeoutSeconds: 5, batchSize: 50)
        settings(&configured)
        var made: StashService?
        server = try CatalogFixture(providers: { catalog in
            let service = StashService(database: catalog.database, settings: configured)
            made = service
            return StashRoutes.providers(service)
        })
        stash = made!
    }

    var database: Database { server.database }

    func stop() async {
        await server.stop()
    }

    /// A request as the owner; the answer parsed, or a thrown error naming the status.
    @discardableResult
    func owner(_ method: String, _ path: String, json: JSON? = nil, expect status: Int = 200) async throws -> JSON {
        try await server.owner(method, path, json: json, expect: status)
    }

    /// The raw answer of a request as the owner.
    func raw(_ method: String, _ path: String, json: JSON? = nil) async throws -> RawHTTPClient.Reply {
        try await server.request(method, path, headers: ["X-Auth-Token": CatalogFixture.token], json: json)
    }

    /// Rows of `sql` (on the database's own queue).
    func rows(_ sql: String, _ values: [SQLValue] = []) async throws -> [Row] {
        let database = server.database
        return try await database.perform { try database.query(sql, values) }
    }

    func count(_ table: String) async throws -> Int {
        try await rows("SELECT count(*) FROM \(table)").first?[0].intValue ?? -1
    }

    /// Waits (polling, at most `seconds`) until job `id` is no longer pending or running; answers it.
    func finished(_ id: String, seconds: Int = 60) async throws -> JobRecord {
        let store = JobStore(database: server.database)
        for _ in 0..<(seconds * 20) {
            if let job = try await server.database.perform({ try store.get(id) }), job.status.isFinal { return job }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw CatalogFixtureError("job \(id) did not finish")
    }

    /// Rows of a plan's changes, by field, of scene `scene`.
    func changes(plan: JSON, scene: String) -> [String: JSON] {
        let scenes = plan["scenes"]?.arrayValue ?? []
        let changes = scenes.first { $0["scene_id"]?.stringValue == scene }?["changes"]?.arrayValue ?? []
        return Dictionary(changes.compactMap { change in change["field"]?.stringValue.map { ($0, change) } }, uniquingKeysWith: { a, _ in a })
    }

    /// Queues `path` (a `/sync/…` route) and waits for its job; answers the finished job.
    func sync(_ path: String, json: JSON? = nil) async throws -> JobRecord {
        let answer = try await owner("POST", path, json: json)
        guard let id = answer["id"]?.stringValue else { throw CatalogFixtureError("no job id in \(answer)") }
        return try await finished(id)
    }
}
