import Core
import HTTP
import Jobs
import Plex
import Store

/// `POST /api/jobs/manual`: a thumbnail job for chosen files or folders (the preview generator's
/// route of that name). The paths are checked against the media roots and folders expanded before
/// the answer; the Plex lookups run after it, so a long list never holds the request.
extension JobsRoutes {
    static func manualRoute(_ runner: JobRunner) -> Route {
        .post(
            "/api/jobs/manual", .permission("jobs:write"),
            RouteDoc(
                "Create a thumbnail job for chosen files or folders (folders expand to the videos under them, "
                    + "at most \(ManualFiles.maximumFiles)); every path absolute and inside the media folders. "
                    + "`force` is an alias of `force_regenerate`; `priority` and `server_id` are accepted and ignored.",
                tag: "jobs", request: ["file_paths": ["/media/Movies/Alien (1979)/Alien (1979).mkv"], "force_regenerate": false],
                status: 201,
                requestSchema: .object(
                    [
                        "file_paths": Schema([
                            "type": "array", "minItems": 1, "maxItems": JSON(ManualFiles.maximumPaths),
                            "items": Schema.string(maxLength: ManualFiles.maximumPathBytes, minLength: 1).json,
                        ])
                    ],
                    optional: [
                        "force_regenerate": .boolean, "force": .boolean, "priority": .nullable(.integer(minimum: 1, maximum: 3)),
                        "server_id": .nullable(.string(maxLength: 200)),
                    ]),
                responseSchema: .object(["id": .string, "status": .string, "message": .string]), errors: [502, 503])
        ) { request in
            let body = try request.json()
            guard body.objectValue != nil else { throw HTTPError.badRequest("Expected a JSON object", detail: "body") }
            let paths = try manualPaths(body["file_paths"])
            let force = try manualFlag(body, "force_regenerate") ?? manualFlag(body, "force") ?? false
            if let priority = body["priority"], priority != .null, !(priority.intValue.map { (1...3).contains($0) } ?? false) {
                throw HTTPError.badRequest("priority: expected 1, 2 or 3 (accepted and ignored)", detail: "priority")
            }
            if let server = body["server_id"], server != .null, (server.stringValue?.count ?? 201) > 200 {
                throw HTTPError.badRequest("server_id: expected a string of at most 200 characters (accepted and ignored)", detail: "server_id")
            }
            let settings = runner.currentSettings
            let resolved: [String]
            do throws(ManualFiles.Refusal) {
                resolved = try ManualFiles.resolve(paths, roots: settings.mediaRoots)
            } catch {
                throw HTTPError.badRequest(error.message, detail: error.index.map { "file_paths[\($0)]" } ?? "file_paths")
            }
            guard let plex = settings.plex else {
                throw HTTPError.unavailable("No Plex server is configured (plex.url and plex.token)")
            }
            let expansion: ManualFiles.Expansion
            do {
                expansion = try await BlockingWork.run { try ManualFiles.expand(resolved, roots: settings.mediaRoots) }
            } catch let error as ManualFiles.Refusal {
                throw HTTPError.badRequest(error.message, detail: error.index.map { "file_paths[\($0)]" } ?? "file_paths")
            } catch {
                throw HTTPError.serverError("Failed to read the chosen folders: \(error)")
            }
            let sections: [PlexLibrarySection]
            do {
                sections = try await plex.sections()
            } catch {
                throw HTTPError.badGateway("Plex did not list its libraries: \(error)", detail: "plex")
            }
            let job: JobRecord
            do throws(JobError) {
                job = try await runner.createManualJob(requested: resolved, expansion: expansion, force: force, plex: plex, sections: sections)
            } catch {
                throw httpError(error)
            }
            return .json(["id": .string(job.id), "status": .string(job.status.rawValue), "message": "Job created successfully"], status: 201)
        }
    }

    /// `file_paths`: an array of 1 to `ManualFiles.maximumPaths` strings.
    static func manualPaths(_ value: JSON?) throws(HTTPError) -> [String] {
        guard let array = value?.arrayValue else {
            throw HTTPError.badRequest("file_paths: required, an array of absolute paths", detail: "file_paths")
        }
        guard (1...ManualFiles.maximumPaths).contains(array.count) else {
            throw HTTPError.badRequest("file_paths: expected 1 to \(ManualFiles.maximumPaths) paths, got \(array.count)", detail: "file_paths")
        }
        return try array.enumerated().map { (index, element) throws(HTTPError) in
            guard let path = element.stringValue else {
                throw HTTPError.badRequest("file_paths[\(index)]: expected a string", detail: "file_paths[\(index)]")
            }
            return path
        }
    }

    static func manualFlag(_ body: JSON, _ name: String) throws(HTTPError) -> Bool? {
        guard let value = body[name], value != .null else { return nil }
        guard let flag = value.boolValue else { throw HTTPError.badRequest("\(name): expected true or false", detail: name) }
        return flag
    }
}
