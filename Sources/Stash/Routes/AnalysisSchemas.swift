import Core
import HTTP

/// The shapes of the analysis routes' answers (004's, with the keys applianced adds).
enum AnalysisSchemas {
    static let change = Schema.object([
        "id": .integer, "plan_id": .integer, "scene_id": .string, "field": .oneOf(["performers", "studio", "tags", "details"]),
        "action": .oneOf(["add", "remove", "set"]), "current_value": .any, "proposed_value": .any, "confidence": .number,
        "status": .oneOf(PlanStore.changeStatuses), "source": .string, "reason": .nullable(.string),
    ])

    static let plan = Schema.object([
        "id": .integer, "name": .string, "status": .oneOf(PlanStore.statuses), "created_at": .nullable(.string),
        "updated_at": .nullable(.string), "applied_at": .nullable(.string), "total_scenes": .integer, "total_changes": .integer,
        "metadata": .anyObject, "job_id": .nullable(.string), "apply_job_id": .nullable(.string), "confidence_threshold": .number,
        "error": .nullable(.string), "changes_by_status": .map(.integer),
    ])

    static let planPage = Schema.object([
        "items": .array(plan), "total": .integer, "page": .integer, "per_page": .integer, "pages": .integer,
    ])

    static var planDetail: Schema {
        var members = plan.json.objectValue ?? [:]
        var properties = members["properties"]?.objectValue ?? [:]
        properties["scenes"] =
            Schema.array(
                .object(["scene_id": .string, "scene_title": .nullable(.string), "reason": .nullable(.string), "changes": .array(change)])
            ).json
        members["properties"] = .object(properties)
        members["required"] = .array((members["required"]?.arrayValue ?? []) + ["scenes"])
        return Schema(.object(members))
    }

    /// `POST /analysis/generate`: a queued job (`background=true`) or the plan made (`false`).
    static let generated = Schema.object(
        ["status": .string],
        optional: [
            "job_id": .string, "message": .string, "plan_id": .integer, "total_scenes": .integer, "total_changes": .integer,
            "error": .nullable(.string),
        ])

    /// `POST /analysis/plans/{id}/apply`: a queued job, or what the apply did.
    static let applied = Schema.object(
        ["status": .string],
        optional: [
            "job_id": .string, "message": .string, "plan_id": .integer, "scenes_updated": .integer, "scenes_skipped": .integer,
            "scenes_failed": .integer, "changes_applied": .integer, "changes_failed": .integer, "errors": .array(.string),
        ])

    static let openAITest = Schema.object([
        "service": .string, "success": .boolean, "message": .string,
        "details": .nullable(.object(["model": .string, "available_models": .array(.string), "total_models": .integer])),
    ])
}
