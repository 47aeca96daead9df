public import HTTP
import Core

/// Plex sign-in and discovery for the wizard (`/api/plex/*`) and the configured server's libraries
/// (`/api/libraries`), as 000 documents them. The Plex token from a PIN goes to the settings store,
/// never back to the browser: responses show it as `"****"`.
public struct PlexRoutes: RouteProvider {
    let plex: any PlexService
    let settings: any PlexSettingsStore

    public init(plex: any PlexService, settings: any PlexSettingsStore) {
        self.plex = plex
        self.settings = settings
    }

    public var routes: [Route] {
        [
            .post(
                "/api/plex/auth/pin", .setup,
                RouteDoc(
                    "Create a Plex sign-in PIN", tag: "plex",
                    response: ["id": 12345, "code": "ABCD1234", "auth_url": "https://app.plex.tv/auth#?clientID=…&code=ABCD1234"],
                    responseSchema: .object(["id": .integer, "code": .string, "auth_url": .string]), errors: Self.upstreamErrors),
                createPin),
            .get(
                "/api/plex/auth/pin/{id}", .setup,
                RouteDoc(
                    "Check whether a PIN was approved", tag: "plex", parameterTypes: ["id": .integer(minimum: 1)],
                    response: ["authenticated": false, "auth_token": nil],
                    responseSchema: .object(["authenticated": .boolean, "auth_token": .nullable(.oneOf(["****"]))]),
                    errors: Self.upstreamErrors + SettingsRoutes.writeErrors + [410]), pollPin),
            .get(
                "/api/plex/servers", .setup,
                RouteDoc(
                    "The signed-in account's Plex servers", tag: "plex",
                    response: [
                        "servers": [
                            [
                                "name": "My Server", "machine_id": "abc123", "host": "192.168.1.100", "port": 32400,
                                "ssl": false, "owned": true, "local": true,
                            ]
                        ]
                    ],
                    responseSchema: .object([
                        "servers": .array(
                            .object([
                                "name": .string, "machine_id": .string, "host": .string, "port": .nullable(.integer), "ssl": .boolean,
                                "owned": .boolean, "local": .boolean,
                            ]))
                    ]), errors: Self.upstreamErrors), servers),
            .get(
                "/api/plex/libraries", .setup,
                RouteDoc(
                    "Libraries of a Plex server", tag: "plex", query: ["url", "token"],
                    response: ["libraries": [["id": "1", "name": "Movies", "type": "movie"]]],
                    responseSchema: .object(["libraries": .array(.object(["id": .string, "name": .string, "type": .string]))]),
                    errors: Self.upstreamErrors), libraries),
            .post(
                "/api/plex/test", .setup,
                RouteDoc(
                    "Test a Plex server URL and token", tag: "plex",
                    request: ["url": "http://192.168.1.100:32400", "token": "your-token"],
                    response: ["success": true, "server_name": "My Server", "version": "1.32.0"],
                    requestSchema: .object([:], optional: ["url": .nullable(.string), "token": .nullable(.string)]), requestOptional: true,
                    responseSchema: .success(["server_name": .string, "version": .string]), errors: Self.upstreamErrors), test),
            .get(
                "/api/libraries", .permission("plex:read"),
                RouteDoc(
                    "Libraries of the configured Plex server", tag: "libraries",
                    response: ["libraries": [["id": "1", "name": "Movies", "type": "movie", "item_count": 500]]],
                    responseSchema: .object([
                        "libraries": .array(.object(["id": .string, "name": .string, "type": .string, "item_count": .nullable(.integer)]))
                    ]), errors: Self.upstreamErrors), configuredLibraries),
        ]
    }

    /// What a Plex call can answer: 400 (no server or token, or Plex refused it), 404 (no such PIN),
    /// 502 (an unexpected answer), 504 (unreachable).
    static let upstreamErrors = [400, 404, 502, 504]

    func createPin(_ request: Request) async throws -> Response {
        let pin = try await call { () async throws(PlexServiceError) in try await plex.createPin() }
        return .json(["id": .int(pin.id), "code": .string(pin.code), "auth_url": .string(pin.authURL)])
    }

    func pollPin(_ request: Request) async throws -> Response {
        guard let id = Int64(request.parameter("id")), id > 0 else { throw HTTPError.badRequest("PIN id must be a positive number.") }
        let status = try await call { () async throws(PlexServiceError) in try await plex.pollPin(id: id) }
        guard let token = status.authToken, !token.isEmpty else { return .json(["authenticated": false, "auth_token": nil]) }
        let usable: String
        do {
            usable = try PlexInput.token(token)
        } catch {
            throw PlexInput.error(.upstream("plex.tv returned an unusable token: \(error.message)"))
        }
        // A refused write (the environment or a drop-in sets `plex.token`, disk full) keeps its own answer.
        do {
            try settings.savePlexToken(usable)
        } catch {
            throw PlexInput.storeError("save the Plex token", error)
        }
        return .json(["authenticated": true, "auth_token": "****"])
    }

    func servers(_ request: Request) async throws -> Response {
        let token = try configured().token
        guard !token.isEmpty else { throw HTTPError.badRequest("Sign in to Plex first.") }
        let found = try await call { () async throws(PlexServiceError) in try await plex.servers(token: token) }
        let list: [JSON] = found.map { server in
            [
                "name": .string(server.name), "machine_id": .string(server.machineID), "host": .string(server.host),
                "port": JSON(server.port), "ssl": .bool(server.ssl), "owned": .bool(server.owned), "local": .bool(server.local),
            ]
        }
        return .json(["servers": .array(list)])
    }

    func libraries(_ request: Request) async throws -> Response {
        let (url, token) = try target(url: request.query["url"], token: request.query["token"])
        let found = try await call { () async throws(PlexServiceError) in try await plex.libraries(url: url, token: token) }
        return .json(["libraries": .array(found.map { ["id": .string($0.id), "name": .string($0.name), "type": .string($0.type)] })])
    }

    func test(_ request: Request) async throws -> Response {
        let body = try request.optionalJSON()
        guard case .object = body else { throw HTTPError.badRequest("Request body must be a JSON object.") }
        if let url = body["url"], url.stringValue == nil, url != .null { throw HTTPError.badRequest("Wrong type for field 'url'") }
        if let token = body["token"], token.stringValue == nil, token != .null { throw HTTPError.badRequest("Wrong type for field 'token'") }
        let (url, token) = try target(url: body["url"]?.stringValue, token: body["token"]?.stringValue)
        let identity = try await call { () async throws(PlexServiceError) in try await plex.test(url: url, token: token) }
        return .success(["server_name": .string(identity.name), "version": .string(identity.version)])
    }

    func configuredLibraries(_ request: Request) async throws -> Response {
        let (url, token) = try target(url: nil, token: nil)
        let found = try await call { () async throws(PlexServiceError) in try await plex.libraries(url: url, token: token) }
        let list: [JSON] = found.map {
            ["id": .string($0.id), "name": .string($0.name), "type": .string($0.type), "item_count": $0.itemCount.map(JSON.init) ?? .null]
        }
        return .json(["libraries": .array(list)])
    }

    /// The URL and token a request names, falling back to the configured ones; both checked.
    func target(url: String?, token: String?) throws(HTTPError) -> (url: String, token: String) {
        let stored = try configured()
        let rawURL = url.flatMap { $0.isEmpty ? nil : $0 } ?? stored.url
        let rawToken = token.flatMap { $0.isEmpty || $0 == "****" ? nil : $0 } ?? stored.token
        guard !rawURL.isEmpty else { throw HTTPError.badRequest("Plex server URL is not configured.") }
        guard !rawToken.isEmpty else { throw HTTPError.badRequest("Sign in to Plex first.") }
        return (try PlexInput.serverURL(rawURL), try PlexInput.token(rawToken))
    }

    func configured() throws(HTTPError) -> PlexConnectionSettings {
        do {
            return try settings.plexConnection()
        } catch {
            throw PlexInput.storeError("read the Plex settings", error)
        }
    }

    /// Runs a Plex call and turns its failure into the API's error.
    func call<T>(_ body: () async throws(PlexServiceError) -> T) async throws(HTTPError) -> T {
        do {
            return try await body()
        } catch {
            throw PlexInput.error(error)
        }
    }
}
