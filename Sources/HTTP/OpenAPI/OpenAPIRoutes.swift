public import Core
import Synchronization

/// Serves `/api/openapi.json`: the OpenAPI 3.1 document of the routes it is given plus its own, built on
/// its first request and kept. Building it at start-up cost a fifth of the daemon's time to listening
/// (half a megabyte of JSON from ~400 routes' schemas), and most boxes never ask for it.
public struct OpenAPIRoutes: RouteProvider {
    public static let path = "/api/openapi.json"
    private let document: Document

    /// `documenting` is every other route of the table; this provider documents itself as well.
    public init(documenting others: [Route], version: String = ApplianceVersion.current) {
        document = Document(routes: others, version: version)
    }

    /// The document, once built; the first requests wait for it on the handler threads, not on a loop.
    private final class Document: Sendable {
        private let routes: [Route]
        private let version: String
        private let built = Mutex<Response?>(nil)

        init(routes: [Route], version: String) {
            self.routes = routes
            self.version = version
        }

        func response() -> Response {
            built.withLock { built in
                if let built { return built }
                let body = OpenAPIDocument.build(routes: routes + [OpenAPIRoutes.route(handler: .immediate { _ in .success() })], version: version)
                let response = Response.json(body)
                built = response
                return response
            }
        }
    }

    private static func route(handler: Handler) -> Route {
        Route(
            "GET", path, access: .authenticated, doc: RouteDoc("OpenAPI 3.1 document of every route", tag: "meta", responseSchema: .anyObject),
            handler: handler)
    }

    public var routes: [Route] {
        let document = self.document
        return [OpenAPIRoutes.route(handler: .async { _ in document.response() })]
    }
}
