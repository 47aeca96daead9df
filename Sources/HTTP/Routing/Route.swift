public import Core

/// What the OpenAPI document says about a route: its summary, examples, body schemas, and the error
/// statuses its handler answers besides those every route of its kind can get (see `OpenAPIDocument`).
public struct RouteDoc: Sendable {
    public var summary: String
    public var tag: String
    /// Query parameter names the route reads.
    public var query: [String]
    /// The values a query or `{path}` parameter takes, where it is more than any string.
    public var parameterTypes: [String: Schema]
    /// An example request body, when it takes one.
    public var requestExample: JSON?
    /// An example success body.
    public var responseExample: JSON?
    /// The success status (201 for a create); WebSocket routes are documented as 101 whatever this says.
    public var status: Int
    /// The JSON body the route takes; nil when it reads none.
    public var requestSchema: Schema?
    /// Whether the body may be left out (the handler reads it with `optionalJSON`).
    public var requestOptional: Bool
    /// The success body; nil only for WebSocket routes and bodiless answers.
    public var responseSchema: Schema?
    /// The success body's media type.
    public var contentType: String
    /// Other statuses the handler itself answers (302, 304, 404 for an unknown id, 409, 502, …).
    public var errors: [Int]
    /// Error statuses answered with a body of the route's own (besides the shared error shape), e.g. a
    /// readiness report with its 503.
    public var errorBodies: [Int: Schema]

    public init(
        _ summary: String, tag: String, query: [String] = [], parameterTypes: [String: Schema] = [:], request: JSON? = nil, response: JSON? = nil, status: Int = 200,
        requestSchema: Schema? = nil, requestOptional: Bool = false, responseSchema: Schema? = nil,
        contentType: String = "application/json", errors: [Int] = [],
        errorBodies: [Int: Schema] = [:]
    ) {
        self.summary = summary
        self.tag = tag
        self.query = query
        self.parameterTypes = parameterTypes
        self.requestExample = request
        self.responseExample = response
        self.status = status
        self.requestSchema = requestSchema
        self.requestOptional = requestOptional
        self.responseSchema = responseSchema
        self.contentType = contentType
        self.errors = errors
        self.errorBodies = errorBodies
    }
}

/// How a route is answered.
public enum Handler: Sendable {
    /// Answered on the server thread at once, from memory (health checks): never blocks.
    case immediate(@Sendable (Request) throws -> Response)
    /// Answered off the server threads, so slow work (SQLite, libcurl, libav) never holds a connection slot.
    case async(@Sendable (Request) async throws -> Response)
    /// A WebSocket endpoint: the server completes the RFC 6455 handshake and hands over the connection.
    case webSocket(@Sendable (Request, any WebSocketConnection) async -> Void)
    /// One path that is a WebSocket for an upgrade request (`Upgrade: websocket`) and an `.async` route
    /// otherwise (Engine.IO serves its polling and WebSocket transports on one URL); documented as the latter.
    case upgradeOrAsync(
        webSocket: @Sendable (Request, any WebSocketConnection) async -> Void, plain: @Sendable (Request) async throws -> Response)

    /// Whether a request with `headers` is served as a WebSocket.
    func upgrades(_ headers: Headers) -> Bool {
        switch self {
        case .webSocket: true
        case .upgradeOrAsync: headers["Upgrade"]?.lowercased() == "websocket"
        case .immediate, .async: false
        }
    }
}

/// One row of the route table: method, path pattern with `{params}`, access, docs and handler.
public struct Route: Sendable {
    public let method: String
    public let pattern: String
    public let access: Access
    public private(set) var doc: RouteDoc
    public let handler: Handler
    /// Media types a request body may have (`Content-Type`); anything else is a 415 before the handler.
    public let accepts: [String]
    /// The rate limit the server checks after the gate, if any (`limited(_:)`).
    public private(set) var rateLimit: RateLimitRule?

    public init(
        _ method: String, _ pattern: String, access: Access = .authenticated, doc: RouteDoc, accepts: [String] = ["application/json"],
        handler: Handler
    ) {
        self.method = method
        self.pattern = pattern
        self.access = access
        self.doc = doc
        self.accepts = accepts
        self.handler = handler
    }

    /// This route with more error statuses documented (a provider's statuses every route of it answers).
    public func documenting(errors statuses: [Int]) -> Route {
        var copy = self
        copy.doc.errors = Array(Set(copy.doc.errors + statuses)).sorted()
        return copy
    }

    /// This route under `rule` (a nil rule leaves it unlimited, so a table can pass an optional one).
    public func limited(_ rule: RateLimitRule?) -> Route {
        var copy = self
        copy.rateLimit = rule
        return copy
    }

    public static func get(_ pattern: String, _ access: Access = .authenticated, _ doc: RouteDoc,
                           _ body: @escaping @Sendable (Request) async throws -> Response) -> Route {
        Route("GET", pattern, access: access, doc: doc, handler: .async(body))
    }
    public static func post(_ pattern: String, _ access: Access = .authenticated, _ doc: RouteDoc,
                            _ body: @escaping @Sendable (Request) async throws -> Response) -> Route {
        Route("POST", pattern, access: access, doc: doc, handler: .async(body))
    }
    public static func put(_ pattern: String, _ access: Access = .authenticated, _ doc: RouteDoc,
                           _ body: @escaping @Sendable (Request) async throws -> Response) -> Route {
        Route("PUT", pattern, access: access, doc: doc, handler: .async(body))
    }
    public static func patch(_ pattern: String, _ access: Access = .authenticated, _ doc: RouteDoc,
                             _ body: @escaping @Sendable (Request) async throws -> Response) -> Route {
        Route("PATCH", pattern, access: access, doc: doc, handler: .async(body))
    }
    public static func delete(_ pattern: String, _ access: Access = .authenticated, _ doc: RouteDoc,
                              _ body: @escaping @Sendable (Request) async throws -> Response) -> Route {
        Route("DELETE", pattern, access: access, doc: doc, handler: .async(body))
    }
}

/// A group of routes for one API area (one file per area registers its routes through this).
public protocol RouteProvider: Sendable {
    var routes: [Route] { get }
}

/// A WebSocket connection after the handshake: text messages in and out.
public protocol WebSocketConnection: Sendable {
    /// Sends one text frame; returns false when the connection is gone.
    @discardableResult func send(text: String) -> Bool
    /// The next text message from the client, or nil when it closed.
    func receive() async -> String?
    func close(code: UInt16)
}
