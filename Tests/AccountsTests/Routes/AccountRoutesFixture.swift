import Accounts
import Core
import FoundationEssentials
import HTTP
import Store
import Synchronization
import TestSupport

/// A real server on 127.0.0.1 (port 0) with the account service over a fresh state database: the gate
/// takes the appliance token and user credentials, as `serve` wires it. (Unchecked: the temporary directory
/// is only deleted when the fixture goes.) Password hashing is argon2id
/// at its smallest cost so tests stay fast; mail is captured.
final class AccountRoutesFixture: @unchecked Sendable {
    static let token = "appliance-token-0123456789"
    let directory: TemporaryDirectory
    let database: Database
    let service: AccountService
    let server: HTTPServer
    let mail: CapturedMail

    init(
        settings: (inout AccountSettings) -> Void = { _ in }, providers: (AccountService) -> [any RouteProvider] = AccountRoutesFixture.all,
        setupComplete: Bool = true
    ) throws {
        directory = TemporaryDirectory("account-routes")
        database = try Database.openState(root: directory.path)
        var configured = AccountSettings()
        settings(&configured)
        mail = CapturedMail()
        let signer = JWTSigner(current: SigningKey(id: "k1", secret: Array(repeating: 7, count: 32)))
        service = AccountService(
            database: database, hasher: try PasswordHasher(memoryKiB: 8, iterations: 1, parallel: 2),
            tokens: AccessTokens(signer: signer, lifetimeSeconds: configured.accessTokenSeconds), settings: configured, mailer: mail)
        try service.directory.reload(from: database)
        database.poolPolicy = .refuse
        var configuration = ServerConfiguration()
        configuration.listenAddress = "127.0.0.1"
        configuration.port = 0
        configuration.accessLog = .off
        configuration.connectionTimeoutSeconds = 120
        configuration.headTimeoutSeconds = 120
        configuration.handlerTimeLimitSeconds = 120
        let gate = AuthGate(
            verifiers: [ApplianceTokenVerifier(token: Self.token), service.verifier], setup: SetupFlag(complete: setupComplete))
        server = HTTPServer(router: Router(providers(service).flatMap(\.routes)), gate: gate, configuration: configuration)
        try server.start()
    }

    /// Every account route provider.
    static func all(_ service: AccountService) -> [any RouteProvider] {
        [
            AuthRoutes(service: service),
            RBACRoutes(service: service), APIKeyRoutes(service: service), ActivityRoutes(service: service),
            OIDCRoutes(service: service, relyingParty: OIDCRelyingParty()),
            BootstrapRoutes(service: service),
            PlexAuthRoutes(signIn: PlexSignIn(service: service, plex: FakePlexAccounts())),
            MFARoutes(service: service),
            EmailRoutes(service: service),
            CSRFRoutes(service: service),
            UserRoutes(service: service), SessionRoutes(service: service), UserSettingsRoutes(service: service), AdminUserRoutes(service: service),
        ]
    }

    func stop() async {
        await server.stop()
    }

    /// A user with a password, straight into the store (the directory reloaded).
    @discardableResult
    func user(_ name: String, password: String = "correct horse battery", roles: [String] = [Role.user], email: String? = nil) async throws -> User {
        let hash = try await service.hasher.hash(password)
        let user = try await service.database.perform { [service] in
            try service.users.create(NewUser(username: name, email: email ?? "\(name)@example.com", passwordHash: hash, roles: roles))
        }
        try await service.reloadDirectory()
        return user
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

    /// Signs in through `/api/v1/auth/login`; the reply's tokens.
    func login(_ name: String, password: String = "correct horse battery") async throws -> (access: String, refresh: String) {
        let reply = try await request("POST", "/api/v1/auth/login", json: ["username": .string(name), "password": .string(password)])
        let body = try JSON.parseStrict(reply.body)
        guard reply.status == 200, let access = body["access_token"]?.stringValue, let refresh = body["refresh_token"]?.stringValue else {
            throw FixtureError("login of \(name) answered \(reply.status): \(reply.text)")
        }
        return (access, refresh)
    }

    static func bearer(_ token: String) -> [String: String] { ["Authorization": "Bearer \(token)"] }
    var owner: [String: String] { ["X-Auth-Token": Self.token] }
}

struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The mail the service sent, instead of SMTP.
final class CapturedMail: AccountMailer {
    struct Message: Sendable {
        let to: String
        let subject: String
        let body: String
    }
    let messages = Mutex<[Message]>([])

    func send(to address: String, subject: String, body: String) async throws(HTTPError) {
        messages.withLock { $0.append(Message(to: address, subject: subject, body: body)) }
    }

    var last: Message? { messages.withLock { $0.last } }
}
