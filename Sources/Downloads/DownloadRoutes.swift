import Catalog
import Core
public import HTTP

/// 001's downloads: `POST /api/v1/youtube/download`, `GET /api/v1/youtube/downloads`,
/// `GET|DELETE /api/v1/youtube/downloads/{id}`. A user sees and cancels their own downloads; an admin
/// everyone's. Every field is checked here, the folder, space and hourly limit by the service.
public struct DownloadRoutes: RouteProvider {
    let service: DownloadService

    public init(service: DownloadService) {
        self.service = service
    }

    static let one = Schema.success(["data": DownloadJSON.downloadSchema])
    static let idType: [String: Schema] = ["id": .string(maxLength: 64, minLength: 1)]
    static let formats = (YtDlpCommand.videoFormats.union(YtDlpCommand.audioFormats)).sorted()
    static let qualities = ["best", "2160p", "1440p", "1080p", "720p", "480p", "360p", "audio"]

    public var routes: [Route] {
        let service = service
        return [
            Route.post(
                "/api/v1/youtube/download", .permission("downloads:write"),
                RouteDoc(
                    "Queue a yt-dlp download of an http(s) URL into downloads.folder or a downloadPath inside it or a library root (001): 5 an hour per user (429 with Retry-After), 503 YTDLP_MISSING without yt-dlp, 507 INSUFFICIENT_STORAGE below downloads.min_free_mb",
                    tag: "youtube",
                    request: [
                        "url": "https://www.youtube.com/watch?v=example", "quality": "720p", "format": "mp4", "downloadPath": "/media/downloads",
                    ],
                    status: 201,
                    requestSchema: .object(
                        ["url": .string(maxLength: YtDlpCommand.maxURLBytes, minLength: 1)],
                        optional: [
                            "quality": .nullable(.oneOf(Self.qualities)), "format": .nullable(.oneOf(Self.formats)),
                            "downloadPath": .nullable(.string(maxLength: DownloadFolders.maxPathBytes)),
                        ]),
                    responseSchema: Self.one, errors: [429, 503, 507])
            ) { request in
                let fields = try request.fields()
                let url = try YtDlpCommand.validatedURL(try fields.string("url", maxBytes: YtDlpCommand.maxURLBytes))
                let order = DownloadService.Order(
                    url: url, quality: try fields.optionalString("quality", maxBytes: 16) ?? "best",
                    format: try fields.optionalString("format", maxBytes: 16) ?? "mp4",
                    downloadPath: try fields.optionalString("downloadPath", maxBytes: DownloadFolders.maxPathBytes))
                return .success(["data": try await service.create(order, by: request.principal)], status: 201)
            },
            Route.get(
                "/api/v1/youtube/downloads", .permission("downloads:read"),
                RouteDoc(
                    "Your downloads, newest first (everyone's for an admin): status, page, limit (1–100, 20) (001)", tag: "youtube",
                    query: ["status", "page", "limit"],
                    parameterTypes: [
                        "status": .oneOf(DownloadJSON.statuses), "page": .integer(minimum: 1, maximum: 100_000),
                        "limit": .integer(minimum: 1, maximum: 100),
                    ],
                    responseSchema: DownloadJSON.listSchema)
            ) { request in
                let query = CatalogQuery(request)
                let status = try query.choice("status", DownloadJSON.statuses)
                let page = try query.integer("page", 1...100_000) ?? 1
                let limit = try query.integer("limit", 1...100) ?? 20
                let found = try await service.list(for: request.principal, status: status, page: page, limit: limit)
                return .success([
                    "data": [
                        "downloads": .array(found.items),
                        "pagination": [
                            "page": JSON(page), "limit": JSON(limit), "totalPages": JSON((found.total + limit - 1) / limit),
                            "totalResults": JSON(found.total),
                        ],
                    ]
                ])
            },
            Route.get(
                "/api/v1/youtube/downloads/{id}", .permission("downloads:read"),
                RouteDoc(
                    "One of your downloads (anyone's for an admin): status, progress (percent, speed, eta), file path and size, error (001)",
                    tag: "youtube", parameterTypes: Self.idType, response: ["success": true, "data": DownloadJSON.example],
                    responseSchema: Self.one, errors: [404])
            ) { request in
                .success(["data": try await service.get(request.parameter("id"), for: request.principal)])
            },
            Route.delete(
                "/api/v1/youtube/downloads/{id}", .permission("downloads:write"),
                RouteDoc(
                    "Cancel a queued or running download (yt-dlp is stopped and the partial files removed), or take a finished one off the list; a finished file stays on disk (001)",
                    tag: "youtube", parameterTypes: Self.idType, responseSchema: .success(["message": .string]), errors: [404])
            ) { request in
                .success(["message": .string(try await service.delete(request.parameter("id"), by: request.principal))])
            },
        ]
    }
}
