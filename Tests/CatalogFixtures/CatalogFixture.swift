import Accounts
import Catalog
import Core
import FoundationEssentials
import HTTP
import Store
import TestSupport

/// A real server on 127.0.0.1 (port 0) with the account service and the catalog over one fresh state
/// database, the gate taking the appliance token and user credentials as `serve` wires it. Library
/// folders may lie under `media` (the only library root). (Unchecked: the temporary directory is only
/// deleted when the fixture goes.)
final class CatalogFixture: @unchecked Sendable {
    static let token = "appliance-token-0123456789"
    let directory: TemporaryDirectory
    let database: Database
    let accounts: AccountService
    let catalog: CatalogService
    let server: HTTPServer
    /// `<directory>/media`, the library root.
    let media: String

    init(
        settings: (inout CatalogSettings) -> Void = { _ in }, prober: (any FileProber)? = nil,
        providers: (CatalogService) -> [any RouteProvider] = CatalogFixture.all
    ) throws {
        directory = TemporaryDirectory("catalog-routes")
        media = directory.file("media")
        try FileSystem.makeDirectories(media, mode: 0o755)
        database = try Database.openState(root: directory.path)
        var configured = CatalogSettings(libraryRoots: [media], imageCacheFolder: directory.file("images"))
        settings(&configured)
        let signer = JWTSigner(current: SigningKey(id: "k1", secret: Array(repeating: 7, count: 32)))
        let accountSettings = AccountSettings()
        accounts = AccountService(
            database: database, hasher: try PasswordHasher(memoryKiB: 8, iterations: 1, parallel: 2),
            tokens: AccessTokens(signer: signer, lifetimeSeconds: accountSettings.accessTokenSeconds), settings: accountSettings,
            mailer: NoMail())
        try accounts.directory.reload(from: database)
        catalog = CatalogService(database: database, settings: configured, prober: prober, nice: 0)
        database.poolPolicy = .refuse
        var configuration = ServerConfiguration()
        configuration.listenAddress = "127.0.0.1"
        configuration.port = 0
        configuration.accessLog = .off
        configuration.connectionTimeoutSeconds = 120
        configuration.headTimeoutSeconds = 120
        configuration.handlerTimeLimitSeconds = 120
        let gate = AuthGate(verifiers: [ApplianceTokenVerifier(token: Self.token), accounts.verifier], setup: SetupFlag(complete: true))
        let routes = ([AuthRoutes(service: accounts)] + providers(catalog)).flatMap(\.routes)
        server = HTTPServer(router: Router(routes), gate: gate, configuration: configuration)
        try server.start()
    }

    /// Every catalog route provider.
    static func all(_ catalog: CatalogService) -> [any RouteProvider] {
        CatalogRoutes.providers(catalog)
    }

    func stop() async {
        await server.stop()
    }

    /// A user with the plain `user` role, signed in: the bearer headers of their access token.
    func signedInUser(_ name: String, roles: [String] = [Role.user]) async throws -> (id: String, headers: [String: String]) {
        let password = "correct horse battery"
        let hash = try await accounts.hasher.hash(password)
        let user = try await accounts.database.perform { [accounts] in
            try accounts.users.create(NewUser(username: name, email: "\(name)@example.com", passwordHash: hash, roles: roles))
        }
        try await accounts.reloadDirectory()
        let reply = try await request("POST", "/api/v1/auth/login", json: ["username": .string(name), "password": .string(password)])
        guard reply.status == 200, let access = try JSON.parseStrict(reply.body)["access_token"]?.stringValue else {
            throw CatalogFixtureError("login of \(name) answered \(reply.status): \(reply.text)")
        }
        return (user.id, ["Authorization": "Bearer \(access)"])
    }

    /// One request on a fresh connection; a body is JSON.
    func request(_ method: String, _ path: String, headers: [String: String] = [:], json: JSON? = nil) async throws -> RawHTTPClient.Reply {
        var headers = headers
        var body: [UInt8] = []
        if let json {
            body = Array(json.encoded())
            headers["Content-Type"] = "application/json"
        }
        return try await RawHTTPClient.request(port: server.port, method, path, headers: headers, body: body, timeoutSeconds: 120)
    }

    /// A request as the owner (the appliance token); the answer's body parsed, or a thrown error naming the status.
    func owner(_ method: String, _ path: String, json: JSON? = nil, expect status: Int = 200) async throws -> JSON {
        let reply = try await request(method, path, headers: ["X-Auth-Token": Self.token], json: json)
        guard reply.status == status else { throw CatalogFixtureError("\(method) \(path) answered \(reply.status), not \(status): \(reply.text)") }
        return reply.body.isEmpty ? .null : try JSON.parseStrict(reply.body)
    }
}

struct CatalogFixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Mail the catalog's tests never send.
struct NoMail: AccountMailer {
    func send(to address: String, subject: String, body: String) async throws(HTTPError) {}
}
