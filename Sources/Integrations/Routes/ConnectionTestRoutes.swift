import Core
public import HTTP

/// The settings' "test connection" for each app (`POST /api/v1/settings/test-<app>`, after seed 004's
/// `test-stash`): asks the app for its version with the saved settings, or with `url` and `api_key`
/// from the body when given (so the wizard can check before saving). Answers the version and the
/// latency, or the reason it failed. Needs `integrations:write` (it sends the key to an address).
public struct ConnectionTestRoutes: RouteProvider {
    let service: IntegrationService

    public init(service: IntegrationService) {
        self.service = service
    }

    static let maximumURLBytes = 2048
    static let maximumKeyBytes = 256

    public var routes: [Route] {
        IntegrationApp.allCases.map(route(for:))
    }

    func route(for app: IntegrationApp) -> Route {
        let service = service
        return .post(
            "/api/v1/settings/test-\(app.rawValue)", .permission("integrations:write"),
            RouteDoc(
                "Test the connection to \(app.title) (the saved settings, or url and api_key from the body)", tag: "settings",
                request: ["url": "http://localhost:7878", "api_key": "0123456789abcdef"],
                response: ["success": true, "service": .string(app.rawValue), "version": "5.14.0.9383", "latency_ms": 12, "message": .string("Connected to \(app.title) 5.14.0.9383")],
                requestSchema: .object(
                    [:], optional: ["url": .string(maxLength: Self.maximumURLBytes, minLength: 1), "api_key": .string(maxLength: Self.maximumKeyBytes, minLength: 1)],
                    closed: true),
                requestOptional: true,
                responseSchema: .success(["service": .string, "version": .string, "latency_ms": .integer, "message": .string]),
                errors: [400, 502, 504])
        ) { request in
            let body = try BodyFields(request.optionalJSON())
            let url = try body.optionalString("url", maxBytes: Self.maximumURLBytes)
            let key = try body.optionalString("api_key", maxBytes: Self.maximumKeyBytes)
            if let unknown = body.json.objectValue?.keys.first(where: { $0 != "url" && $0 != "api_key" }) {
                throw HTTPError.badRequest("Unknown field '\(unknown.prefix(64))'", detail: "The body takes url and api_key")
            }
            if let url {
                guard url.hasPrefix("http://") || url.hasPrefix("https://"), !url.contains(where: { $0.isWhitespace || $0.isNewline }) else {
                    throw HTTPError.badRequest("url must be an http or https address")
                }
            }
            let saved = service.settings()[app]
            guard !(url ?? saved.url).isEmpty else { throw HTTPError.badRequest("\(app.title) has no URL: give url or save one") }
            guard !(key ?? saved.apiKey).isEmpty else { throw HTTPError.badRequest("\(app.title) has no API key: give api_key or save one") }
            do throws(IntegrationError) {
                let result = try await service.test(app, url: url, apiKey: key)
                return .success([
                    "service": .string(app.rawValue), "version": .string(result.version), "latency_ms": JSON(result.latencyMs),
                    "message": .string("Connected to \(app.title) \(result.version)"),
                ])
            } catch {
                switch error {
                case .notFound: throw HTTPError.badGateway("Nothing at that address answers as \(app.title) does")
                case .notConfigured: throw HTTPError.badRequest(error.description)
                default: throw error.httpError
                }
            }
        }
    }
}
