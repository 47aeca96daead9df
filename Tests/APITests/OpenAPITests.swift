import Core
import Testing

@testable import HTTP
@testable import Routes

/// The OpenAPI document and the router's table never disagree.
struct OpenAPITests {
    @Test func documentMatchesTheRouteTable() async throws {
        let table = SecurityTests.table
        let router = Router(table)
        let openapi = try #require(table.first { $0.pattern == OpenAPIRoutes.path })
        // Built on first request, off the event loops.
        guard case .async(let handler) = openapi.handler else {
            Issue.record("the OpenAPI route should be async")
            return
        }
        let first = try await handler(Request(method: "GET", path: OpenAPIRoutes.path)).body
        #expect(try await handler(Request(method: "GET", path: OpenAPIRoutes.path)).body == first)
        let document = try JSON.decode(first)
        #expect(document["openapi"] == "3.1.0")
        let paths = try #require(document["paths"]?.objectValue)

        var documented = Set<String>()
        for (path, operations) in paths {
            for (method, operation) in try #require(operations.objectValue) {
                documented.insert("\(method.uppercased()) \(path)")
                let route = try #require(router.routes.first { $0.method == method.uppercased() && $0.pattern == path })
                #expect(operation["summary"]?.stringValue == route.doc.summary)
                #expect(operation["tags"] == [.string(route.doc.tag)])
                #expect(operation["x-access"]?.stringValue == route.access.name)
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

/// What `OpenAPIDocument` says about statuses and bodies, route by route.
struct OpenAPIStatusTests {
    static func responses(_ route: Route) -> [String: JSON] {
        OpenAPIDocument.operation(route)["responses"]?.objectValue ?? [:]
    }

    @Test func aJSONBodyDocumentsItsSchemaAndItsRefusals() {
        let schema = Schema.object(["name": .string(maxLength: 10)], optional: ["force": .boolean], closed: true)
        let route = Route.post(
            "/api/things", .authenticated, RouteDoc("Create", tag: "t", requestSchema: schema, responseSchema: .success(["id": .string]))
        ) { _ in .success() }
        let operation = OpenAPIDocument.operation(route)
        #expect(operation["requestBody"]?["content"]?["application/json"]?["schema"] == schema.json)
        #expect(operation["requestBody"]?["required"] == true)
        let optional = Route.post("/api/maintenance", .admin, RouteDoc("Run", tag: "t", requestSchema: schema, requestOptional: true)) { _ in
            .success()
        }
        #expect(OpenAPIDocument.operation(optional)["requestBody"]?["required"] == false)
        #expect(schema.json["required"] == ["name"])
        #expect(schema.json["additionalProperties"] == false)
        let responses = Self.responses(route)
        for status in ["200", "400", "401", "403", "413", "415", "500", "503", "504"] {
            #expect(responses[status] != nil, "\(status) undocumented")
        }
        #expect(responses["404"] == nil)
        #expect(responses["415"]?["$ref"] == "#/components/responses/UnsupportedMediaType")
        #expect(responses["200"]?["content"]?["application/json"]?["schema"]?["required"] == ["id", "success"])
    }

    @Test func pathParametersCanBeUnknownAndPublicReadsNeedNoCredential() {
        let item = Route.get("/api/things/{id}", .authenticated, RouteDoc("One", tag: "t", responseSchema: .anyObject)) { _ in .success() }
        #expect(Self.responses(item)["404"] != nil)
        #expect(Self.responses(item)["400"] != nil)
        let health = Route(
            "GET", "/livez", access: .public, doc: RouteDoc("Live", tag: "h", responseSchema: .text, contentType: "text/plain"),
            handler: .immediate { _ in .text("ok") })
        let responses = Self.responses(health)
        #expect(responses["401"] == nil && responses["403"] == nil && responses["504"] == nil)
        #expect(responses["200"]?["content"]?["text/plain"]?["schema"] == ["type": "string"])
    }

    @Test func declaredStatusesAndOwnErrorBodies() {
        let ready = Schema.object(["status": .oneOf(["ready", "not ready"])])
        let route = Route.get(
            "/ready", .public, RouteDoc("Ready", tag: "h", responseSchema: ready, errors: [409, 302], errorBodies: [503: ready])
        ) { _ in .success() }
        let responses = Self.responses(route)
        #expect(responses["409"]?["$ref"] == "#/components/responses/Conflict")
        #expect(responses["302"]?["$ref"] == "#/components/responses/Found")
        #expect(responses["503"]?["content"]?["application/json"]?["schema"]?["anyOf"] == [["$ref": "#/components/schemas/Error"], ready.json])
    }

    @Test func everyReferencedResponseExists() {
        let document = OpenAPIDocument.build(routes: SecurityTests.table, version: "test")
        let shared = document["components"]?["responses"]?.objectValue ?? [:]
        for status in [302, 304, 400, 401, 403, 404, 409, 410, 413, 415, 426, 429, 431, 500, 502, 503, 504] {
            #expect(shared[ErrorStatus.name(status)] != nil, "\(status) has no shared response")
        }
    }

    @Test(arguments: [
        (Schema.nullable(.string), ["type": ["string", "null"]] as JSON),
        (Schema.nullable(.oneOf(["a"])), ["type": ["string", "null"], "enum": ["a", nil]] as JSON),
        (Schema.nullable(.any), ["anyOf": [[:], ["type": "null"]]] as JSON),
        (Schema.array(.integer(minimum: 1, maximum: 5)), ["type": "array", "items": ["type": "integer", "minimum": 1, "maximum": 5]] as JSON),
    ])
    func schemaBuilders(schema: Schema, expected: JSON) {
        #expect(schema.json == expected)
    }
}

extension OpenAPIStatusTests {
    /// `/api/v1/jobs` and `/api/v1/jobs/` are two routes; their operation ids were the same (openapi-spec-validator).
    @Test func aTrailingSlashRouteHasItsOwnOperationID() {
        let bare = Route.get("/api/v1/jobs", .authenticated, RouteDoc("List", tag: "jobs")) { _ in .success() }
        let slash = Route.get("/api/v1/jobs/", .authenticated, RouteDoc("List", tag: "jobs")) { _ in .success() }
        let root = Route.get("/", .public, RouteDoc("Page", tag: "pages")) { _ in .success() }
        #expect(OpenAPIDocument.operationID(bare) == "getApiV1Jobs")
        #expect(OpenAPIDocument.operationID(slash) == "getApiV1JobsSlash")
        #expect(OpenAPIDocument.operationID(root) == "get")
    }
}
