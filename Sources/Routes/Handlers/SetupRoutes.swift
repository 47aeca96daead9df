import Core
import Crypto
public import HTTP

/// First-boot setup (`/api/setup/*`), as 000 documents it: status, saved progress, the appliance
/// token (`token-info`, `set-token`) and completion. Everything but `status` is `Access.setup`.
public struct SetupRoutes: RouteProvider {
    let tracker: SetupTracker
    let tokens: any ApplianceTokenStore
    let plexSettings: any PlexSettingsStore
    let plex: any PlexService
    /// Whether an admin account exists (the wizard's administrator step); nil leaves it out of the status.
    let adminExists: (@Sendable () async throws -> Bool)?

    static let tokenLimit = 256
    /// Sign in, server, paths, options, access token, administrator account.
    static let lastStep = 6

    public init(
        tracker: SetupTracker, tokens: any ApplianceTokenStore, plexSettings: any PlexSettingsStore, plex: any PlexService,
        adminExists: (@Sendable () async throws -> Bool)? = nil
    ) {
        self.tracker = tracker
        self.tokens = tokens
        self.plexSettings = plexSettings
        self.plex = plex
        self.adminExists = adminExists
    }

    public var routes: [Route] {
        [
            .get(
                "/api/setup/status", .public,
                RouteDoc(
                    "Whether setup is complete", tag: "setup",
                    response: ["configured": true, "setup_complete": true, "current_step": 0, "plex_authenticated": true, "admin_exists": true],
                    responseSchema: .object(
                        ["configured": .boolean, "setup_complete": .boolean, "current_step": .integer, "plex_authenticated": .boolean],
                        optional: ["admin_exists": .boolean])), status),
            .get(
                "/api/setup/state", .setup,
                RouteDoc(
                    "The wizard's saved progress", tag: "setup",
                    response: ["step": 2, "data": ["server_name": "My Plex Server"]],
                    responseSchema: .object(["step": .integer, "data": .anyObject])), state),
            .post(
                "/api/setup/state", .setup,
                RouteDoc(
                    "Save the wizard's progress", tag: "setup",
                    request: ["step": 2, "data": ["server_name": "My Plex Server"]], response: ["success": true],
                    requestSchema: .object(["step": .integer(minimum: 1, maximum: Int64(Self.lastStep))], optional: ["data": .anyObject]),
                    responseSchema: .success()), saveState),
            .post(
                "/api/setup/complete", .setup,
                RouteDoc(
                    "Mark setup complete", tag: "setup",
                    response: ["success": true, "redirect": "/"], responseSchema: .success(["redirect": .string]),
                    errors: PlexRoutes.upstreamErrors), complete),
            .get(
                "/api/setup/token-info", .setup,
                RouteDoc(
                    "The current appliance token and its source", tag: "setup",
                    response: ["env_controlled": false, "token": "abc123xyz...", "token_length": 43, "source": "config"],
                    responseSchema: .object([
                        "env_controlled": .boolean, "token": .string, "token_length": .integer, "source": .string,
                    ])), tokenInfo),
            .post(
                "/api/setup/set-token", .setup,
                RouteDoc(
                    "Set a custom appliance token", tag: "setup",
                    request: ["token": "my-custom-password", "confirm_token": "my-custom-password"], response: ["success": true],
                    requestSchema: .object([
                        "token": .string(maxLength: Self.tokenLimit, minLength: 8),
                        "confirm_token": .string(maxLength: Self.tokenLimit, minLength: 8),
                    ]),
                    responseSchema: .success(), errors: [409]), setToken),
        ]
    }

    func status(_ request: Request) async throws -> Response {
        let plex = try connection()
        let complete = tracker.isComplete
        let step = complete ? 0 : try await load().step
        var body: [String: JSON] = [
            "configured": .bool(!plex.url.isEmpty && !plex.token.isEmpty), "setup_complete": .bool(complete),
            "current_step": JSON(step), "plex_authenticated": .bool(!plex.token.isEmpty),
        ]
        if let adminExists { body["admin_exists"] = .bool(try await adminExists()) }
        return .json(.object(body))
    }

    func state(_ request: Request) async throws -> Response {
        let saved = try await load()
        return .json(["step": JSON(saved.step), "data": saved.data])
    }

    func saveState(_ request: Request) async throws -> Response {
        guard request.body.count <= SetupTracker.stateLimit else { throw HTTPError.payloadTooLarge(limit: SetupTracker.stateLimit) }
        let body = try request.json()
        guard case .object = body else { throw HTTPError.badRequest("Request body must be a JSON object.") }
        guard let field = body["step"] else { throw HTTPError.badRequest("Missing field 'step'") }
        guard let step = field.intValue else { throw HTTPError.badRequest("Field 'step' must be a whole number.") }
        guard step >= 1, step <= Int64(Self.lastStep) else { throw HTTPError.badRequest("Field 'step' must be between 1 and \(Self.lastStep).") }
        let data = body["data"] ?? .object([:])
        guard case .object = data else { throw HTTPError.badRequest("Field 'data' must be an object.") }
        do {
            try await BlockingWork.run { [tracker] in try tracker.saveState(step: Int(step), data: data) }
        } catch {
            throw PlexInput.storeError("save the setup progress", error)
        }
        return .success()
    }

    func complete(_ request: Request) async throws -> Response {
        try await checkSelectedLibraries()
        do {
            try await BlockingWork.run { [tracker] in try tracker.markComplete() }
        } catch {
            throw PlexInput.storeError("mark setup complete", error)
        }
        return .success(["redirect": "/"])
    }

    /// Every selected library must exist on the configured server (none selected means all).
    func checkSelectedLibraries() async throws(HTTPError) {
        let plex = try connection()
        guard !plex.selectedLibraries.isEmpty else { return }
        let routes = PlexRoutes(plex: self.plex, settings: plexSettings)
        let (url, token) = try routes.target(url: nil, token: nil)
        let found = try await routes.call { () async throws(PlexServiceError) in try await self.plex.libraries(url: url, token: token) }
        let known = Set(found.map(\.id))
        let unknown = plex.selectedLibraries.filter { !known.contains($0) }
        if !unknown.isEmpty {
            throw HTTPError.badRequest(
                "Selected library does not exist on the Plex server.",
                detail: "Unknown library id: \(unknown.joined(separator: ", "))")
        }
    }

    func tokenInfo(_ request: Request) async throws -> Response {
        let token = try currentToken()
        let environment = token.source == .environment
        return .json([
            "env_controlled": .bool(environment), "token": .string(environment ? "****" : token.value),
            "token_length": JSON(token.value.count), "source": .string(token.source.rawValue),
        ])
    }

    func setToken(_ request: Request) async throws -> Response {
        let body = try request.json()
        guard case .object = body else { throw HTTPError.badRequest("Request body must be a JSON object.") }
        let current = try currentToken()
        if current.source == .environment {
            throw HTTPError(
                status: 409, code: "CONFLICT",
                message: "Token is controlled by WEB_AUTH_TOKEN environment variable and cannot be changed.")
        }
        let token = body["token"]?.stringValue ?? ""
        let confirm = body["confirm_token"]?.stringValue ?? ""
        guard token == confirm else { throw HTTPError.badRequest("Tokens do not match.") }
        guard token.count >= 8 else { throw HTTPError.badRequest("Token must be at least 8 characters long.") }
        guard token.utf8.count <= Self.tokenLimit else {
            throw HTTPError.badRequest("Token must be at most \(Self.tokenLimit) characters long.")
        }
        guard token.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
            throw HTTPError.badRequest("Token may only contain printable ASCII characters without spaces.")
        }
        if Crypto.constantTimeEqual(token, current.value) {
            throw HTTPError.badRequest("New token must be different from the current token.")
        }
        do {
            try await BlockingWork.run { [tokens] in try tokens.replace(with: token) }
        } catch {
            throw PlexInput.storeError("save the access token", error)
        }
        return .success()
    }

    func load() async throws(HTTPError) -> (step: Int, data: JSON) {
        do {
            let saved = try await BlockingWork.run { [tracker] in try tracker.state() }
            return (saved.step, saved.data)
        } catch {
            throw PlexInput.storeError("read the setup progress", error)
        }
    }

    func connection() throws(HTTPError) -> PlexConnectionSettings {
        do {
            return try plexSettings.plexConnection()
        } catch {
            throw PlexInput.storeError("read the Plex settings", error)
        }
    }

    func currentToken() throws(HTTPError) -> ApplianceToken {
        do {
            return try tokens.current()
        } catch {
            throw PlexInput.storeError("read the access token", error)
        }
    }
}
