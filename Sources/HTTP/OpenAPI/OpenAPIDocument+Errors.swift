import Core

extension OpenAPIDocument {
    /// Every error status a route can answer: those the server answers for any route of its kind (the
    /// body, request-line and header limits, shutdown, the auth gate, the same-origin checks, the handler time limit),
    /// those its inputs imply (400 for a body, query or path parameter; 404 for an unknown `{id}`; 415
    /// for a body without `Content-Type: application/json`), and the ones its `RouteDoc` names.
    static func errorStatuses(_ route: Route) -> [Int] {
        var statuses: Set<Int> = [413, 414, 431, 500, 503]
        let hasPathParameters = !pathParameters(route.pattern).isEmpty
        if hasPathParameters || !route.doc.query.isEmpty || route.doc.requestSchema != nil { statuses.insert(400) }
        if hasPathParameters { statuses.insert(404) }
        if route.doc.requestSchema != nil { statuses.insert(400) }
        // 415: a body without `Content-Type: application/json`, which any state-changing request can carry.
        if route.doc.requestSchema != nil || route.method != "GET" { statuses.insert(415) }
        if route.access != .public { statuses.insert(401) }
        // 403: not an admin or lacking the permission; a state-changing request from another origin (or
        // signed in by cookie without the CSRF token); a pre-setup request for a Host that is not the box's own.
        switch route.access {
        case .admin, .setup, .permission: statuses.insert(403)
        case .public, .authenticated: if route.method != "GET" { statuses.insert(403) }
        }
        if route.rateLimit != nil { statuses.insert(429) }
        switch route.handler {
        case .async, .upgradeOrAsync:
            statuses.insert(504)
            // A state change writes the state database or a config file: a full disk is a 507.
            if route.method != "GET" { statuses.insert(507) }
        case .webSocket: statuses.formUnion([400, 403, 426])  // 403: an upgrade from another origin
        case .immediate: break
        }
        statuses.formUnion(route.doc.errors)
        return statuses.sorted()
    }
}

/// The shared answers other than success of the document (redirects and errors) (`#/components/responses/<name>`), all in the `Error` shape.
enum ErrorStatus {
    static let descriptions: [Int: (name: String, description: String)] = [
        302: ("Found", "A redirect to `Location`"),
        304: ("NotModified", "The client's cached copy is current"),
        400: ("BadRequest", "The request is malformed or a value is invalid; `detail` names the field"),
        401: ("Unauthorized", "Missing or invalid credential"),
        403: ("Forbidden", "Lacks the permission or the admin role, or a cross-origin, CSRF-less or foreign-Host request the box refuses"),
        404: ("NotFound", "No such resource"),
        409: ("Conflict", "The resource's state or a config file prevents the change"),
        410: ("Gone", "The resource expired"),
        413: ("PayloadTooLarge", "The request body is over the limit"),
        414: ("URITooLong", "The request line (path and query) is over the limit"),
        415: ("UnsupportedMediaType", "A JSON body needs `Content-Type: application/json`"),
        426: ("UpgradeRequired", "A WebSocket endpoint called without a WebSocket upgrade"),
        429: ("TooManyRequests", "Rate limited; see `Retry-After`"),
        431: ("HeadersTooLarge", "The request headers are over the limit"),
        500: ("ServerError", "An internal error (storage); nothing about its cause is exposed"),
        502: ("BadGateway", "An upstream service answered with something unexpected"),
        503: ("Unavailable", "Not ready yet, shutting down, or the state database is locked (`DATABASE_BUSY`, with `Retry-After`)"),
        504: ("Timeout", "The request or an upstream service took too long"),
        507: ("InsufficientStorage", "No space left to write the config file or the state database; nothing was changed"),
    ]

    static func name(_ status: Int) -> String {
        descriptions[status]?.name ?? "Status\(status)"
    }

    static var components: [String: JSON] {
        var responses: [String: JSON] = [:]
        for (status, entry) in descriptions {
            guard status >= 400 else {
                responses[entry.name] = ["description": .string(entry.description)]
                continue
            }
            responses[entry.name] = [
                "description": .string(entry.description),
                "content": ["application/json": ["schema": ["$ref": "#/components/schemas/Error"]]],
            ]
        }
        return responses
    }
}
