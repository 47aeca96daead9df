import Core
public import HTTP

/// 004's analysis routes: `POST /analysis/generate` makes a plan over `scene_ids` or `filters` (a job,
/// or at once with `background=false`); `GET /analysis/plans` and `/analysis/plans/{id}` read plans;
/// `PATCH /analysis/changes/{id}` edits, accepts or rejects a change; `POST /analysis/plans/{id}/apply`
/// writes the accepted changes to Stash.
public struct AnalysisRoutes: RouteProvider {
    let stash: StashService

    public init(stash: StashService) {
        self.stash = stash
    }

    static let maximumSceneIDs = StashAnalysis.maximumScenes

    public var routes: [Route] {
        let analysis = stash.analysis
        let stash = stash
        return [
            .post(
                "/api/v1/analysis/generate", .permission("stash:write"),
                RouteDoc(
                    "Make an analysis plan for scenes of the Stash copy (scene_ids or filters), as a job or at once", tag: "stash",
                    query: ["background"], parameterTypes: ["background": .oneOf(["true", "false", "1", "0"])],
                    request: [
                        "scene_ids": ["1", "2"], "options": ["detect_performers": true, "detect_tags": true, "use_ai": false],
                        "plan_name": "My Analysis Plan",
                    ],
                    requestSchema: Self.generateSchema, responseSchema: AnalysisSchemas.generated, errors: [400])
            ) { request in
                let background = try SyncRoutes.flag(request, "background") ?? true
                let generate = try Self.generateRequest(try request.json(), threshold: stash.settings.confidenceThreshold)
                return .json(try await analysis.generate(generate, background: background))
            },
            .get(
                "/api/v1/analysis/plans", .permission("stash:read"),
                RouteDoc(
                    "List analysis plans, newest first", tag: "stash", query: ["page", "per_page", "status"],
                    parameterTypes: [
                        "page": .integer(minimum: 1, maximum: 100_000), "per_page": .integer(minimum: 1, maximum: 100),
                        "status": .oneOf(PlanStore.statuses),
                    ], responseSchema: AnalysisSchemas.planPage)
            ) { request in
                let page = try SceneFilter.integer(request.query["page"], "page", 1...100_000) ?? 1
                let perPage = try SceneFilter.integer(request.query["per_page"], "per_page", 1...100) ?? 50
                var status: String?
                if let text = request.query["status"], !text.isEmpty {
                    guard PlanStore.statuses.contains(text) else {
                        throw HTTPError.badRequest("Invalid status: one of \(PlanStore.statuses.joined(separator: ", "))", detail: "status")
                    }
                    status = text
                }
                let (total, items) = try await analysis.plans(status: status, page: page, perPage: perPage)
                return .json([
                    "items": .array(items), "total": JSON(total), "page": JSON(page), "per_page": JSON(perPage),
                    "pages": JSON((total + perPage - 1) / perPage),
                ])
            },
            .get(
                "/api/v1/analysis/plans/{plan_id}", .permission("stash:read"),
                RouteDoc(
                    "One analysis plan with its scenes and their changes", tag: "stash", parameterTypes: ["plan_id": Self.idType],
                    responseSchema: AnalysisSchemas.planDetail, errors: [404])
            ) { request in
                .json(try await analysis.plan(try Self.id(request, "plan_id", "plan")))
            },
            .post(
                "/api/v1/analysis/plans/{plan_id}/apply", .permission("stash:write"),
                RouteDoc(
                    "Write a plan's accepted changes to Stash (scene_ids: those scenes only), as a job or at once", tag: "stash",
                    query: ["scene_ids", "background"],
                    parameterTypes: [
                        "plan_id": Self.idType, "background": .oneOf(["true", "false", "1", "0"]),
                        "scene_ids": Schema(["type": "string", "maxLength": 6000, "pattern": "^[^\\u0000-\\u001f]*$"]),
                    ], responseSchema: AnalysisSchemas.applied, errors: [400, 404, 409, 502, 503])
            ) { request in
                let plan = try Self.id(request, "plan_id", "plan")
                let background = try SyncRoutes.flag(request, "background") ?? true
                var scenes: [String]?
                if let text = request.query["scene_ids"], !text.isEmpty {
                    let ids = text.split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
                    guard ids.count <= Self.maximumSceneIDs,
                        ids.allSatisfy({ $0.utf8.count <= 64 && !$0.unicodeScalars.contains { $0.value < 0x20 } })
                    else {
                        throw HTTPError.badRequest(
                            "scene_ids: at most \(Self.maximumSceneIDs) comma-separated ids of at most 64 bytes", detail: "scene_ids")
                    }
                    scenes = ids
                }
                return .json(try await analysis.apply(plan: plan, sceneIDs: scenes, background: background))
            },
            .patch(
                "/api/v1/analysis/changes/{change_id}", .permission("stash:write"),
                RouteDoc(
                    "Edit, accept or reject one change of a plan", tag: "stash", parameterTypes: ["change_id": Self.idType],
                    request: ["proposed_value": ["Tag 1", "Tag 2"], "accepted": true],
                    requestSchema: .object(
                        [:], optional: ["proposed_value": .any, "accepted": .nullable(.boolean), "rejected": .nullable(.boolean)]),
                    responseSchema: AnalysisSchemas.change, errors: [400, 404, 409])
            ) { request in
                let change = try Self.id(request, "change_id", "change")
                return .json(try await analysis.edit(change: change, ChangeEdit(try request.json())))
            },
        ]
    }

    static let idType = Schema.integer(minimum: 1, maximum: 9_007_199_254_740_991)

    /// A plan or change id of the path; anything but a positive integer names nothing (404).
    static func id(_ request: Request, _ name: String, _ noun: String) throws(HTTPError) -> Int64 {
        let text = request.parameter(name)
        guard text.utf8.count <= 16, let id = Int64(text), id > 0 else {
            throw HTTPError.notFound("No such \(noun)", detail: String(text.prefix(64)))
        }
        return id
    }

    static var generateSchema: Schema {
        .object(
            [:],
            optional: [
                "scene_ids": .nullable(
                    Schema([
                        "type": "array", "maxItems": .int(Int64(maximumSceneIDs)),
                        "items": ["type": ["string", "integer"], "maxLength": 64, "minLength": 1],
                    ])),
                "filters": .nullable(SceneFilter.filterSchema), "options": .nullable(AnalysisOptions.schema),
                "plan_name": .nullable(.string(maxLength: 200, minLength: 1)),
            ])
    }

    /// The body of `POST /analysis/generate`: `scene_ids` or `filters` (both is a 400; neither: every scene).
    static func generateRequest(_ body: JSON, threshold: Double) throws(HTTPError) -> StashAnalysis.Request {
        guard body.objectValue != nil else { throw HTTPError.badRequest("Expected a JSON object", detail: "body") }
        var ids: [String]?
        if let value = body["scene_ids"], value != .null {
            guard let list = value.arrayValue, list.count <= maximumSceneIDs else {
                throw HTTPError.badRequest("scene_ids: a list of at most \(maximumSceneIDs) ids", detail: "scene_ids")
            }
            var seen = Set<String>()
            var chosen: [String] = []
            for item in list {
                guard let id = item.stringValue ?? item.intValue.map({ String($0) }), (1...64).contains(id.utf8.count),
                    !id.unicodeScalars.contains(where: { $0.value < 0x20 })
                else { throw HTTPError.badRequest("scene_ids: each id is a text of 1 to 64 bytes", detail: "scene_ids") }
                if seen.insert(id).inserted { chosen.append(id) }
            }
            ids = chosen
        }
        var filter: SceneFilter?
        if let value = body["filters"], value != .null {
            guard ids == nil else { throw HTTPError.badRequest("Give scene_ids or filters, not both", detail: "filters") }
            filter = try SceneFilter(filters: value)
        }
        var name: String?
        if let value = body["plan_name"], value != .null {
            guard let text = value.stringValue, (1...200).contains(text.utf8.count), !text.unicodeScalars.contains(where: { $0.value < 0x20 })
            else { throw HTTPError.badRequest("plan_name: a text of 1 to 200 bytes", detail: "plan_name") }
            name = text
        }
        return StashAnalysis.Request(
            sceneIDs: ids, filter: filter, options: try AnalysisOptions(body["options"], defaultThreshold: threshold), name: name)
    }
}
