import Core
public import HTTP

/// 004's `POST /settings/test-openai`: lists the models of the configured OpenAI-compatible endpoint
/// (`GET <url>/v1/models`) with the saved key and model, or the `api_key` and `model` of the body;
/// answers whether it worked and, when not, why (the endpoint is never taken from the body).
public struct OpenAITestRoutes: RouteProvider {
    let stash: StashService

    public init(stash: StashService) {
        self.stash = stash
    }

    /// Models listed in the answer (a hosted API offers dozens).
    static let listedModels = 50

    public var routes: [Route] {
        let stash = stash
        return [
            .post(
                "/api/v1/settings/test-openai", .permission("settings:write"),
                RouteDoc(
                    "Test the OpenAI-compatible endpoint (saved settings, or api_key and model given)", tag: "settings",
                    request: ["api_key": "sk-...", "model": "gpt-4o-mini"],
                    requestSchema: .object(
                        [:], optional: ["api_key": .nullable(.string(maxLength: 512)), "model": .nullable(.string(maxLength: 128))]),
                    requestOptional: true, responseSchema: AnalysisSchemas.openAITest)
            ) { request in
                var settings = stash.settings.openAI
                let body = try request.optionalJSON()
                if body != .null {
                    guard body.objectValue != nil else { throw HTTPError.badRequest("Expected a JSON object", detail: "body") }
                    for (name, limit) in [("api_key", 512), ("model", 128)] {
                        guard let value = body[name], value != .null else { continue }
                        guard let text = value.stringValue, !text.isEmpty, text.utf8.count <= limit,
                            !text.unicodeScalars.contains(where: { $0.value < 0x20 })
                        else { throw HTTPError.badRequest("\(name): a text of 1 to \(limit) bytes", detail: name) }
                        if name == "api_key" { settings.apiKey = text } else { settings.model = text }
                    }
                }
                func failure(_ message: String) -> Response {
                    .json(["service": "openai", "success": false, "message": .string(message), "details": .null])
                }
                guard settings.isConfigured else { return failure(OpenAIError.notConfigured.description) }
                let models: [String]
                do {
                    models = try await stash.analysis.openAI.models(using: settings)
                } catch let error as OpenAIError {
                    return failure(error.description)
                } catch {
                    return failure("The OpenAI endpoint failed")
                }
                guard models.isEmpty || models.contains(settings.model) else {
                    return failure("The endpoint answered, but offers no model '\(settings.model)' (it has \(models.count))")
                }
                return .json([
                    "service": "openai", "success": true, "message": "Successfully connected to OpenAI API",
                    "details": [
                        "model": .string(settings.model), "available_models": .array(models.sorted().prefix(Self.listedModels).map(JSON.string)),
                        "total_models": JSON(models.count),
                    ],
                ])
            }
        ]
    }
}
