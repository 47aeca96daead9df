import Core
public import HTTP

/// The webhook endpoints: the preview generator's `/api/webhooks/{radarr,sonarr,plex}` and 003's
/// `/api/v1/webhooks/{radarr,sonarr}`. No user credential: the source's shared secret is the
/// credential (`X-Webhook-Secret` or `?secret=`), so the routes are public to the gate and check
/// the secret first. Bodies are bounded (`jsonLimit`, `multipartLimit`) and validated; an accepted
/// delivery answers 202 at once and the work (Plex lookups, thumbnails, catalog scans) follows.
public struct WebhookRoutes: RouteProvider {
    let service: WebhookService
    /// Largest Radarr/Sonarr JSON body.
    public static let jsonLimit = 256 << 10
    /// Largest Plex multipart body (its `thumb` image part included).
    public static let multipartLimit = 1 << 20

    public init(service: WebhookService) {
        self.service = service
    }

    public var routes: [Route] {
        [
            arr(.radarr, path: "/api/webhooks/radarr", tag: "webhooks"),
            arr(.sonarr, path: "/api/webhooks/sonarr", tag: "webhooks"),
            arr(.radarr, path: "/api/v1/webhooks/radarr", tag: "webhooks"),
            arr(.sonarr, path: "/api/v1/webhooks/sonarr", tag: "webhooks"),
            plex(),
        ]
    }

    static let outcomeSchema = Schema.object(
        ["status": .oneOf(["accepted", "duplicate", "ignored"]), "event": .string], optional: ["job_id": .string])

    /// A Radarr or Sonarr route.
    func arr(_ source: WebhookSource, path: String, tag: String) -> Route {
        let service = service
        let name = source == .radarr ? "Radarr" : "Sonarr"
        let example: JSON =
            source == .radarr
            ? [
                "eventType": "Download", "downloadId": "ABC123", "isUpgrade": false,
                "movie": ["id": 1, "title": "Big Buck Bunny", "year": 2008, "folderPath": "/movies/Big Buck Bunny (2008)"],
                "movieFile": ["id": 7, "relativePath": "Big Buck Bunny (2008).mp4", "path": "/movies/Big Buck Bunny (2008)/Big Buck Bunny (2008).mp4"],
            ]
            : [
                "eventType": "Download", "downloadId": "DEF456",
                "series": ["id": 3, "title": "Fake Show", "path": "/tv/Fake Show"],
                "episodes": [["id": 11, "seasonNumber": 1, "episodeNumber": 2]],
                "episodeFile": ["id": 9, "relativePath": "Season 01/Fake Show - S01E02.mkv", "path": "/tv/Fake Show/Season 01/Fake Show - S01E02.mkv"],
            ]
        let fileKey = source == .radarr ? "movieFile" : "episodeFile"
        let itemKey = source == .radarr ? "movie" : "series"
        let file = Schema.object([:], optional: ["id": .integer, "path": .string(maxLength: 4096), "relativePath": .string(maxLength: 4096)])
        return Route.post(
            path, .public,
            RouteDoc(
                "Receive a \(name) webhook (shared secret in X-Webhook-Secret or ?secret=): a Download makes the file's thumbnails once Plex has indexed it",
                tag: tag, query: ["secret"], parameterTypes: ["secret": .string(maxLength: 256)], request: example,
                response: ["status": "accepted", "event": "Download", "job_id": "job-…"], status: 202,
                requestSchema: .object(
                    ["eventType": .oneOf(source.eventTypes)],
                    optional: [
                        itemKey: .object([:], optional: ["id": .integer, "title": .string, "path": .string, "folderPath": .string]),
                        fileKey: file, "deletedFiles": .array(file), "downloadId": .string, "isUpgrade": .boolean,
                    ]),
                responseSchema: Self.outcomeSchema, errors: [400, 401, 413, 503])
        ) { request in
            try service.authorize(source, request)
            guard request.body.count <= Self.jsonLimit else { throw HTTPError.payloadTooLarge(limit: Self.jsonLimit) }
            let event = try WebhookPayload.arr(source, body: try request.json())
            return .json(try await service.receive(event).json, status: 202)
        }
    }

    /// Plex's route: `multipart/form-data` with a JSON `payload` part (and perhaps a `thumb`). The
    /// document describes no request body, as for the avatar upload: its body schemas are JSON ones.
    func plex() -> Route {
        let service = service
        return Route(
            "POST", "/api/webhooks/plex", access: .public,
            doc: RouteDoc(
                "Receive a Plex webhook (multipart with a JSON payload part; shared secret in X-Webhook-Secret or ?secret=): library.new makes the item's thumbnails",
                tag: "webhooks", query: ["secret"], parameterTypes: ["secret": .string(maxLength: 256)],
                response: ["status": "accepted", "event": "library.new", "job_id": "job-…"], status: 202,
                responseSchema: Self.outcomeSchema,
                contentType: "application/json", errors: [400, 401, 413, 503]),
            accepts: ["multipart/form-data"],
            handler: .async { request in
                try service.authorize(.plex, request)
                guard request.body.count <= Self.multipartLimit else { throw HTTPError.payloadTooLarge(limit: Self.multipartLimit) }
                let event = try WebhookPayload.plex(body: request.body, contentType: request.headers["Content-Type"] ?? "")
                return .json(try await service.receive(event).json, status: 202)
            })
    }
}
