import Core
public import HTTP

/// 004's `POST /settings/test-stash`: asks Stash for its version and counts with the saved settings,
/// or with the `url` and `api_key` of the body; answers whether it worked and, when not, why.
public struct ConnectionTestRoutes: RouteProvider {
    let stash: StashService

    public init(stash: StashService) {
        self.stash = stash
    }

    public var routes: [Route] {
        let stash = stash
        return [
            .post(
                "/api/v1/settings/test-stash", .permission("settings:write"),
                RouteDoc(
                    "Test the connection to Stash (saved settings, or url and api_key given)", tag: "settings",
                    request: ["url": "http://localhost:9999", "api_key": "key"],
                    requestSchema: .object([:], optional: ["url": .string(maxLength: 2048), "api_key": .string(maxLength: 512)]),
                    requestOptional: true, responseSchema: StashSchemas.connectionTest)
            ) { request in
                var settings = stash.settings
                let body = try request.optionalJSON()
                var given = false
                if body != .null {
                    guard body.objectValue != nil else { throw HTTPError.badRequest("Expected a JSON object", detail: "body") }
                    if let url = body["url"], url != .null {
                        guard let text = url.stringValue, text.utf8.count <= 2048,
                            text.hasPrefix("http://") || text.hasPrefix("https://"),
                            !text.unicodeScalars.contains(where: { $0.value <= 0x20 })
                        else { throw HTTPError.badRequest("url: an http or https URL of at most 2048 bytes", detail: "url") }
                        settings.url = text
                        given = true
                    }
                    if let key = body["api_key"], key != .null {
                        guard let text = key.stringValue, text.utf8.count <= 512, !text.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
                            throw HTTPError.badRequest("api_key: a text of at most 512 bytes", detail: "api_key")
                        }
                        settings.apiKey = text
                        given = true
                    }
                }
                guard given || settings.isConfigured else {
                    return .json(["service": "stash", "success": false, "message": .string(StashError.notConfigured.description), "details": .null])
                }
                do {
                    let probe = try await stash.client.probe(using: settings)
                    return .json([
                        "service": "stash", "success": true, "message": "Successfully connected to Stash server",
                        "details": [
                            "server_version": JSON(probe.version), "scene_count": JSON(probe.scenes), "performer_count": JSON(probe.performers),
                        ],
                    ])
                } catch let error as StashError {
                    return .json(["service": "stash", "success": false, "message": .string(error.description), "details": .null])
                } catch {
                    return .json(["service": "stash", "success": false, "message": "Stash failed", "details": .null])
                }
            }
        ]
    }
}
