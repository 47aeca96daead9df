import Accounts
import Catalog
import Core
import FoundationEssentials
import HTTP
import Integrations
import Routes
import Store
import Synchronization
import TestSupport

/// Settings the tests change while the server runs.
final class SettingsBox: Sendable {
    let value: Mutex<IntegrationSettings>
    init(_ settings: IntegrationSettings) { value = Mutex(settings) }
    var current: IntegrationSettings { value.withLock { $0 } }
    func change(_ body: (inout IntegrationSettings) -> Void) { value.withLock { body(&$0) } }
}

/// A real server on 127.0.0.1 with the account service, the catalog, the integrations over the fake
/// apps (`fake`), and the health routes, over one fresh state database. `media` is the library root.
/// (Unchecked: the temporary directory is only deleted when the fixture goes.)
final class IntegrationFixture: @unchecked Sendable {
    static let token = "appliance-token-0123456789"
    let directory: TemporaryDirectory
    let database: Database
    let accounts: AccountService
    let catalog: CatalogService
    let settings: SettingsBox
    let service: IntegrationService
    let sync: CatalogSync
    let server: HTTPServer
    let fake: FakeArr
    let media: String

    init(timeout: Double = 5, apps: [IntegrationApp] = IntegrationApp.allCases) throws {
        fake = try FakeArr()
        directory = TemporaryDirectory("integrations")
        media = directory.file("media")
        try FileSystem.makeDirectories(media, mode: 0o755)
        database = try Database.openState(root: directory.path)
        let signer = JWTSigner(current: SigningKey(id: "k1", secret: Array(repeating: 7, count: 32)))
        let accountSettings = AccountSettings()
        accounts = AccountService(
            database: database, hasher: try PasswordHasher(memoryKiB: 8, iterations: 1, parallel: 2),
            tokens: AccessTokens(signer: signer, lifetimeSeconds: accountSettings.accessTokenSeconds), settings: accountSettings,
            mailer: NoMail())
        try accounts.directory.reload(from: database)
        catalog = CatalogService(
            database: database, settings: CatalogSettings(libraryRoots: [media], imageCacheFolder: directory.file("images")), prober: nil,
            nice: 0)
        let box = SettingsBox(IntegrationsTests.settings(url: fake.baseURL, timeout: timeout, apps: apps))
        settings = box
        service = IntegrationService(settings: { box.current }, retryBase: .milliseconds(5))
        sync = CatalogSync(service: service, catalog: catalog)
        database.poolPolicy = .refuse
        var configuration = ServerConfiguration()
        configuration.listenAddress = "127.0.0.1"
        configuration.port = 0
        configuration.accessLog = .off
        configuration.handlerTimeLimitSeconds = 120
        let gate = AuthGate(verifiers: [ApplianceTokenVerifier(token: Self.token), accounts.verifier], setup: SetupFlag(complete: true))
        let providers: [any RouteProvider] = [
            AuthRoutes(service: accounts), HealthRoutes(readiness: Readiness()),
            IntegrationAdminRoutes(service: service, sync: sync), AdminServicesRoutes(probes: service.probes),
            ConnectionTestRoutes(service: service),
        ]
        server = HTTPServer(router: Router(providers.flatMap(\.routes)), gate: gate, configuration: configuration)
        try server.start()
    }

    func stop() async {
        service.probes.stop()
        await server.stop()
    }

    /// A signed-in user with `roles`: the bearer headers of their access token.
    func signedIn(_ name: String, roles: [String] = [Role.user]) async throws -> [String: String] {
        let password = "correct horse battery"
        let hash = try await accounts.hasher.hash(password)
        _ = try await accounts.database.perform { [accounts] in
            try accounts.users.create(NewUser(username: name, email: "\(name)@example.com", passwordHash: hash, roles: roles))
        }
        try await accounts.reloadDirectory()
        let reply = try await request("POST", "/api/v1/auth/login", json: ["username": .string(name), "password": .string(password)])
        guard reply.status == 200, let access = try JSON.parseStrict(reply.body)["access_token"]?.stringValue else {
            throw FixtureError("login of \(name) answered \(reply.status): \(reply.text)")
        }
        return ["Authorization": "Bearer \(access)"]
    }

    func request(_ method: String, _ path: String, headers: [String: String] = [:], json: JSON? = nil) async throws -> RawHTTPClient.Reply {
        var headers = headers
        var body: [UInt8] = []
        if let json {
            body = Array(json.encoded())
            headers["Content-Type"] = "application/json"
        }
        return try await RawHTTPClient.request(port: server.port, method, path, headers: headers, body: body, timeoutSeconds: 60)
    }

    /// A request as the owner (the appliance token): the reply with its body parsed.
    func owner(_ method: String, _ path: String, json: JSON? = nil) async throws -> (status: Int, body: JSON) {
        let reply = try await request(method, path, headers: ["X-Auth-Token": Self.token], json: json)
        return (reply.status, reply.body.isEmpty ? .null : try JSON.parseStrict(reply.body))
    }

    /// A library of `kind` over `folder` (made under `media`).
    func library(_ name: String, kind: Library.Kind, folder: String) async throws -> String {
        let path = media + "/" + folder
        try FileSystem.makeDirectories(path, mode: 0o755)
        let library = Library(id: UUID().uuidString.lowercased(), name: name, kind: kind, paths: [path], createdAt: 0, updatedAt: 0)
        _ = try await catalog.transaction { connection in try LibraryStore.insert(connection, library) }
        return library.id
    }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Mail the tests never send.
struct NoMail: AccountMailer {
    func send(to address: String, subject: String, body: String) async throws(HTTPError) {}
}
