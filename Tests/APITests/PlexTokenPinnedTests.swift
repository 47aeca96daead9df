import Config
import Core
import TestSupport
import Testing

@testable import HTTP
@testable import Routes

/// The Plex settings of a real `ConfigStore`, as the composition root adapts them (`ConfigPlexSettings`:
/// a refused write is the settings API's answer).
private struct StorePlexSettings: PlexSettingsStore {
    let store: ConfigStore
    func plexConnection() throws -> PlexConnectionSettings {
        PlexConnectionSettings(url: store.snapshot.string("plex.url"), token: store.snapshot.value("plex.token")?.stringValue ?? "")
    }
    func savePlexToken(_ token: String) throws {
        do {
            _ = try store.update([("plex.token", .string(token))])
        } catch {
            throw SettingsRoutes.httpError(error, store: store)
        }
    }
}

/// A PIN sign-in whose token cannot be stored because the environment sets `plex.token`
/// (schemathesis found it answering 500): the answer is the settings API's 409, not a server error.
struct PlexTokenPinnedTests {
    @Test func anApprovedPinWithTheTokenSetByTheEnvironmentIsAConflict() async throws {
        let root = TemporaryDirectory("plex-pinned")
        let store = ConfigStore(
            paths: ConfigPaths(root: root.path), environment: ["APPLIANCED_PLEX_TOKEN": "from-the-environment"], writeDefaults: true)
        let router = Router(PlexRoutes(plex: FakePlex(pendingPolls: 0), settings: StorePlexSettings(store: store)).routes)
        let error = try #require(await callError(router, "GET", "/api/plex/auth/pin/12345"))
        #expect(error.status == 409)
        #expect(error.code == "CONFLICT")
        #expect(store.snapshot.value("plex.token")?.stringValue == "from-the-environment")
    }
}
