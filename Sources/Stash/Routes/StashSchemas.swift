import Core
import HTTP

/// The shapes of the Stash routes' answers (004's), shared by their `RouteDoc`s.
enum StashSchemas {
    static let named = Schema.object(["id": .string, "name": .nullable(.string)])

    static let scene = Schema.object([
        "id": .string, "title": .nullable(.string), "paths": .array(.string), "organized": .boolean, "details": .nullable(.string),
        "created_date": .nullable(.string), "updated_date": .nullable(.string), "scene_date": .nullable(.string),
        "date": .nullable(.string), "rating": .nullable(.integer), "code": .nullable(.string), "urls": .array(.string),
        "studio": .nullable(named), "performers": .array(named), "tags": .array(named), "last_synced": .nullable(.string),
    ])

    static let file = Schema.object([
        "id": .nullable(.string), "path": .nullable(.string), "size": .nullable(.integer), "duration": .nullable(.number),
        "format": .nullable(.string), "video_codec": .nullable(.string), "audio_codec": .nullable(.string),
        "width": .nullable(.integer), "height": .nullable(.integer), "frame_rate": .nullable(.number),
        "bit_rate": .nullable(.integer), "fingerprints": .any,
    ])

    /// A scene with its files (`GET /scenes/{id}`, `/scenes/{id}/resync`).
    static var sceneDetail: Schema {
        var members = scene.json.objectValue ?? [:]
        var properties = members["properties"]?.objectValue ?? [:]
        properties["files"] = Schema.array(file).json
        members["properties"] = .object(properties)
        members["required"] = .array((members["required"]?.arrayValue ?? []) + ["files"])
        return Schema(.object(members))
    }

    static let scenePage = Schema.object([
        "items": .array(scene), "total": .integer, "page": .integer, "per_page": .integer, "pages": .integer,
    ])

    /// 004's job answer of `/sync/*` (with `job_id` and `message` too).
    static let job = Schema.object([
        "id": .string, "job_id": .string, "type": .string, "status": .string, "progress": .number, "parameters": .anyObject,
        "message": .string, "created_at": .nullable(.string), "updated_at": .nullable(.string),
    ])

    static let entity = Schema.object(
        ["id": .string, "name": .string, "scene_count": .integer],
        optional: [
            "aliases": .array(.string), "gender": .nullable(.string), "parent_id": .nullable(.string),
        ])

    static let syncStats = Schema.object([
        "scene_count": .integer, "performer_count": .integer, "tag_count": .integer, "studio_count": .integer,
        "last_scene_sync": .nullable(.string), "last_performer_sync": .nullable(.string), "last_tag_sync": .nullable(.string),
        "last_studio_sync": .nullable(.string), "pending_scenes": .integer, "pending_performers": .integer,
        "pending_tags": .integer, "pending_studios": .integer, "running_job_id": .nullable(.string),
        "last_errors": .map(.string),
    ])

    static let summary = Schema.object([
        "total_scenes": .integer, "organized_scenes": .integer, "organization_percentage": .number, "total_tags": .integer,
        "total_performers": .integer, "total_studios": .integer, "scenes_by_studio": .map(.integer),
    ])

    static let singleSync = Schema.object([
        "job_id": .nullable(.string), "status": .string, "total_items": .integer, "processed_items": .integer,
        "created_items": .integer, "updated_items": .integer, "skipped_items": .integer, "failed_items": .integer,
        "started_at": .string, "completed_at": .string, "duration_seconds": .number, "errors": .array(.string),
    ])

    /// `POST /scenes/sync`: a queued job (`background=true`) or what the sync did (`false`).
    static let sceneSync = Schema.object(
        ["status": .string],
        optional: [
            "job_id": .nullable(.string), "message": .string, "scenes_processed": .integer, "scenes_created": .integer,
            "scenes_updated": .integer, "scenes_removed": .integer, "errors": .array(.string),
        ])

    static let connectionTest = Schema.object([
        "service": .string, "success": .boolean, "message": .string,
        "details": .nullable(.object(["server_version": .nullable(.string), "scene_count": .integer, "performer_count": .integer])),
    ])
}
