public import Core

/// Builds the OpenAPI 3.1 document of a route table: one operation per route, with its `{params}`,
/// query parameters, tag, summary, security by access level, the body schemas and examples of its `RouteDoc`,
/// and every status it can answer (`errorStatuses`), each error in the shared `Error` shape.
public enum OpenAPIDocument {
    public static func build(routes: [Route], title: String = "applianced", version: String) -> JSON {
        var paths: [String: [String: JSON]] = [:]
        for route in routes {
            paths[route.pattern, default: [:]][route.method.lowercased()] = operation(route)
        }
        return [
            "openapi": "3.1.0",
            "info": ["title": .string(title), "version": .string(version)],
            "paths": .object(paths.mapValues { .object($0) }),
            "components": [
                "securitySchemes": [
                    "applianceToken": ["type": "apiKey", "in": "header", "name": "X-Auth-Token"],
                    "bearerAuth": ["type": "http", "scheme": "bearer"],
                    "apiKey": ["type": "apiKey", "in": "header", "name": "X-API-Key"],
                    "sessionCookie": ["type": "apiKey", "in": "cookie", "name": .string(SessionCookies.access)],
                ],
                "responses": .object(ErrorStatus.components),
                "schemas": [
                    "Error": [
                        "type": "object",
                        "required": ["success", "error", "code", "request_id"],
                        "properties": [
                            "success": ["type": "boolean", "const": false],
                            "error": ["type": "string"],
                            "code": ["type": "string"],
                            "detail": ["type": ["string", "null"]],
                            "request_id": ["type": "string"],
                        ],
                    ]
                ],
            ],
        ]
    }

    /// The `{name}` segments of a pattern, in order.
    public static func pathParameters(_ pattern: String) -> [String] {
        pattern.split(separator: "/").compactMap { part in
            part.hasPrefix("{") && part.hasSuffix("}") ? String(part.dropFirst().dropLast()) : nil
        }
    }

    static func operation(_ route: Route) -> JSON {
        var parameters: [JSON] = pathParameters(route.pattern).map { name in
            ["name": .string(name), "in": "path", "required": true, "schema": (route.doc.parameterTypes[name] ?? .string).json]
        }
        parameters += route.doc.query.map { name in
            ["name": .string(name), "in": "query", "required": false, "schema": (route.doc.parameterTypes[name] ?? .string).json]
        }
        var success: [String: JSON] = ["description": "Success"]
        var media: [String: JSON] = [:]
        if let schema = route.doc.responseSchema { media["schema"] = schema.json }
        if let example = route.doc.responseExample { media["example"] = example }
        if !media.isEmpty { success["content"] = .object([route.doc.contentType: .object(media)]) }
        var status = route.doc.status
        if case .webSocket = route.handler {
            status = 101
            success = ["description": "Switching Protocols: the connection continues as a WebSocket (RFC 6455)"]
        }
        var responses: [String: JSON] = ["\(status)": .object(success)]
        for error in errorStatuses(route) {
            responses[String(error)] = ["$ref": .string("#/components/responses/\(ErrorStatus.name(error))")]
        }
        for (error, schema) in route.doc.errorBodies {
            let either: JSON = ["anyOf": [["$ref": "#/components/schemas/Error"], schema.json]]
            responses[String(error)] = [
                "description": .string(ErrorStatus.descriptions[error]?.description ?? "Error"),
                "content": ["application/json": ["schema": either]],
            ]
        }
        var operation: [String: JSON] = [
            "operationId": .string(operationID(route)),
            "summary": .string(route.doc.summary),
            "tags": [.string(route.doc.tag)],
            "x-access": .string(route.access.name),
            "responses": .object(responses),
        ]
        if case .permission(let permission) = route.access { operation["x-permission"] = .string(permission) }
        if let rule = route.rateLimit {
            operation["x-rate-limit"] = [
                "name": .string(rule.name), "limit": .int(Int64(rule.limiter.limit)),
                "window_seconds": .double(rule.limiter.windowSeconds),
            ]
        }
        if !parameters.isEmpty { operation["parameters"] = .array(parameters) }
        if route.doc.requestSchema != nil || route.doc.requestExample != nil {
            var body: [String: JSON] = [:]
            if let schema = route.doc.requestSchema { body["schema"] = schema.json }
            if let example = route.doc.requestExample { body["example"] = example }
            // Each media type the route accepts (any other is a 415 before the handler).
            let content = Dictionary(uniqueKeysWithValues: route.accepts.map { ($0, JSON.object(body)) })
            operation["requestBody"] = ["required": .bool(!route.doc.requestOptional), "content": .object(content)]
        }
        let credentials: [JSON] = [["applianceToken": []], ["bearerAuth": []], ["apiKey": []], ["sessionCookie": []]]
        switch route.access {
        case .public: operation["security"] = []
        case .setup: operation["security"] = .array([[:]] + credentials)
        case .authenticated, .permission, .admin: operation["security"] = .array(credentials)
        }
        return .object(operation)
    }

    static func operationID(_ route: Route) -> String {
        let words = route.pattern.split(separator: "/").map { part in
            part.filter { $0.isLetter || $0.isNumber || $0 == "_" }
        }
        // `/api/v1/jobs/` is a route of its own beside `/api/v1/jobs`, and operation ids must be unique.
        let slash = route.pattern.count > 1 && route.pattern.hasSuffix("/") ? "Slash" : ""
        return route.method.lowercased() + words.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined() + slash
    }
}
