public import Core

/// Serves `/api/openapi.json`: the OpenAPI 3.1 document of the routes it is given plus its own,
/// built once when the route table is assembled.
public struct OpenAPIRoutes: RouteProvider {
    public static let path = "/api/openapi.json"
    private let document: Response

    /// `documenting` is every other route of the table; this provider documents itself as well.
    public init(documenting others: [Route], version: String = ApplianceVersion.current) {
        let body = OpenAPIDocument.build(routes: others + [OpenAPIRoutes.route(serving: .empty())], version: version)
        document = .json(body)
    }

    private static func route(serving response: Response) -> Route {
        Route(
            "GET", path, access: .authenticated, doc: RouteDoc("OpenAPI 3.1 document of every route", tag: "meta", responseSchema: .anyObject),
            handler: .immediate { _ in response })
    }

    public var routes: [Route] { [OpenAPIRoutes.route(serving: document)] }
}
