import Core
public import FoundationEssentials
public import HTTP
public import Store
import Synchronization

/// The Stash feature: the client, the sync and the local copy in `state.db`. Route providers call
/// it; reads answer from the copy only, never from Stash.
public final class StashService: Sendable {
    public let database: Database
    public let client: StashClient
    public let sync: StashSync
    /// Analysis plans: making, editing and applying them; its OpenAI-compatible client.
    public let analysis: StashAnalysis
    /// Unix milliseconds.
    public let clock: @Sendable () -> Int64
    /// The settings, shared with the client and the sync.
    let box: SettingsBox

    public init(
        database: Database, settings: StashSettings,
        clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }
    ) {
        self.database = database
        self.clock = clock
        let box = SettingsBox(current: settings)
        client = StashClient(settings: { box.value })
        let sync = StashSync(database: database, client: client, settings: { box.value }, clock: clock)
        self.sync = sync
        analysis = StashAnalysis(
            database: database, client: client, openAI: OpenAIClient(settings: { box.value.openAI }), settings: { box.value }, clock: clock,
            notify: { [sync] event in sync.notify(event) })
        self.box = box
    }

    /// The settings now (config edits apply without a restart, through `update`).
    public var settings: StashSettings { box.value }

    /// Takes new settings (from a config change); requests that start later use them.
    public func update(_ settings: StashSettings) {
        box.set(settings)
    }

    /// Runs `body` with the connection on the database's own queue; what it throws is answered as the
    /// error it is or as a state database error.
    public func perform<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws(HTTPError) -> T {
        do {
            return try await database.perform { [database] in try database.withConnection { connection in try body(connection) } }
        } catch {
            throw HTTPError.storage(error, failing: "Failed to read the Stash copy")
        }
    }

    /// Copies one scene from Stash now (004's `/sync/scene/{id}`, `/scenes/{id}/resync`); answers whether
    /// it was new. A scene Stash no longer has leaves the copy and is answered `notFound`.
    public func resync(scene id: String) async throws(HTTPError) -> Bool {
        guard client.isConfigured else { throw StashError.notConfigured.httpError }
        let scene: JSON?
        do { scene = try await client.scene(id: id) } catch { throw error.httpError }
        let now = clock()
        let created: Bool
        do {
            created = try await database.perform { [database] in
                try database.transaction { connection -> Bool in
                    guard let scene else {
                        _ = try StashWriter.remove(.scenes, ids: [id], sql: StatementCache(connection))
                        return false
                    }
                    return try StashWriter.write(.scenes, scene, sql: StatementCache(connection), now: now)
                }
            }
        } catch {
            Log.shared.error("Failed to write Stash scene \(id): \(error)")
            throw HTTPError.storage(error, failing: "Failed to write the scene")
        }
        guard scene != nil else { throw StashError.notFound("scene \(id)").httpError }
        return created
    }
}

/// The feature's settings, shared by the service, its client and its sync, replaced whole on a config change.
final class SettingsBox: Sendable {
    private let state: Mutex<StashSettings>

    init(current: StashSettings) {
        state = Mutex(current)
    }

    var value: StashSettings { state.withLock { $0 } }

    func set(_ settings: StashSettings) {
        state.withLock { $0 = settings }
    }
}
