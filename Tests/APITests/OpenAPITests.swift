import Core
import Testing

@testable import API

/// The OpenAPI document and the router's table never disagree.
struct OpenAPITests {
    @Test func documentMatchesTheRouteTable() throws {
        let table = SecurityTests.table
        let router = Router(table)
        let openapi = try #require(table.first { $0.pattern == OpenAPIRoutes.path })
        guard case .immediate(let handler) = openapi.handler else {
            Issue.record("the OpenAPI route should be immediate")
            return
        }
        let document = try JSON.decode(try handler(Request(method: "GET", path: OpenAPIRoutes.path)).body)
        #expect(document["openapi"] == "3.1.0")
        let paths = try #require(document["paths"]?.objectValue)

        var documented = Set<String>()
        for (path, operations) in paths {
            for (method, operation) in try #require(operations.objectValue) {
                documented.insert("\(method.uppercased()) \(path)")
                let route = try #require(router.routes.first { $0.method == method.uppercased() && $0.pattern == path })
                #expect(operation["summary"]?.stringValue == route.doc.summary)
                #expect(operation["tags"] == [.string(route.doc.tag)])
                #expect(operation["x-access"]?.stringValue == OpenAPIDocument.accessName(route.access))
                let names = (operation["parameters"]?.arrayValue ?? []).filter { $0["in"] == "path" }.compactMap { $0["name"]?.stringValue }
                #expect(names == OpenAPIDocument.pathParameters(route.pattern))
                let security = operation["security"]?.arrayValue ?? []
                #expect(security.isEmpty == (route.access == .public))
            }
        }
        #expect(documented == Set(router.routes.map { "\($0.method) \($0.pattern)" }))
    }

    @Test func queryParametersAndExamplesAreDocumented() {
        let route = Route.get("/api/jobs/{id}", .admin, RouteDoc("Job", tag: "jobs", query: ["verbose"], response: ["id": "1"])) { _ in .success() }
        let operation = OpenAPIDocument.operation(route)
        let parameters = operation["parameters"]?.arrayValue ?? []
        #expect(parameters.map { $0["in"] } == ["path", "query"])
        #expect(operation["responses"]?["200"]?["content"]?["application/json"]?["example"] == ["id": "1"])
        #expect(operation["responses"]?["403"] != nil)
        #expect(operation["operationId"] == "getApiJobsId")
    }

    @Test func createsAre201AndWebSocketsAre101() {
        let create = Route.post("/api/jobs", .authenticated, RouteDoc("Create", tag: "jobs", status: 201)) { _ in .success() }
        #expect(OpenAPIDocument.operation(create)["responses"]?["201"] != nil)
        #expect(OpenAPIDocument.operation(create)["responses"]?["200"] == nil)
        let socket = Route("GET", "/api/ws", access: .authenticated, doc: RouteDoc("Events", tag: "ws"), handler: .webSocket { _, _ in })
        #expect(OpenAPIDocument.operation(socket)["responses"]?["101"] != nil)
        #expect(OpenAPIDocument.operation(socket)["responses"]?["200"] == nil)
    }
}
