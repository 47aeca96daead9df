import Catalog
public import Core
public import HTTP
import Store

/// A download as 001 shows it, read from its row of the jobs table (kind `youtube_download`): the
/// request in `parameters`, the live figures and the outcome in `result`.
public enum DownloadJSON {
    /// 001's status names of the job statuses.
    static let statusNames: [String: String] = [
        "pending": "queued", "running": "downloading", "completed": "completed", "failed": "failed", "cancelled": "cancelled",
    ]
    /// The job status of each 001 status.
    static let jobStatuses = Dictionary(uniqueKeysWithValues: statusNames.map { ($0.value, $0.key) })
    public static let statuses = ["queued", "downloading", "completed", "failed", "cancelled"]

    static func download(_ row: Row) -> JSON {
        let parameters = (try? JSON.parseStrict(Array((row.string("parameters") ?? "{}").utf8))) ?? [:]
        let result = row.string("result").flatMap { try? JSON.parseStrict(Array($0.utf8)) } ?? [:]
        let progress = DownloadProgress(
            downloadedBytes: result["downloadedBytes"]?.intValue ?? 0, totalBytes: result["totalBytes"]?.intValue,
            speed: result["speed"]?.doubleValue, etaSeconds: result["eta"]?.intValue.map { Int($0) })
        let status = statusNames[row.string("status") ?? ""] ?? "failed"
        return [
            "id": .string(row.string("id") ?? ""), "url": parameters["url"] ?? .null, "title": result["title"] ?? .null,
            "status": .string(status), "quality": parameters["quality"] ?? .null, "format": parameters["format"] ?? .null,
            "downloadPath": parameters["folder"] ?? .null,
            "progress": [
                "percent": .double(status == "completed" ? 100 : (row.double("progress") ?? 0)),
                "downloadedBytes": .int(progress.downloadedBytes), "totalBytes": progress.totalBytes.map(JSON.int) ?? .null,
                "speed": JSON(status == "downloading" ? progress.speedText : nil), "eta": JSON(status == "downloading" ? progress.etaText : nil),
            ],
            "filePath": result["filePath"] ?? .null, "fileSize": result["fileSize"] ?? .null, "error": JSON(row.string("error")),
            "userId": parameters["owner"] ?? .null, "createdAt": CatalogJSON.time(row.int64("created_at")),
            "startedAt": CatalogJSON.time(row.int64("started_at")), "completedAt": CatalogJSON.time(row.int64("completed_at")),
        ]
    }

    static let progressSchema = Schema.object([
        "percent": .number, "downloadedBytes": .integer, "totalBytes": .nullable(.integer), "speed": .nullable(.string),
        "eta": .nullable(.string),
    ])
    public static let downloadSchema = Schema.object([
        "id": .string, "url": .string, "title": .nullable(.string), "status": .oneOf(statuses), "quality": .string, "format": .string,
        "downloadPath": .string, "progress": progressSchema, "filePath": .nullable(.string), "fileSize": .nullable(.integer),
        "error": .nullable(.string), "userId": .string, "createdAt": .dateTime, "startedAt": .nullable(.dateTime),
        "completedAt": .nullable(.dateTime),
    ])
    public static let listSchema = Schema.success([
        "data": .object([
            "downloads": .array(downloadSchema),
            "pagination": .object(["page": .integer, "limit": .integer, "totalPages": .integer, "totalResults": .integer]),
        ])
    ])

    public static let example: JSON = [
        "id": "job-0f8fad5b-d9cb-469f-a165-70867728950e", "url": "https://www.youtube.com/watch?v=example", "title": "Video Title",
        "status": "downloading", "quality": "720p", "format": "mp4", "downloadPath": "/media/downloads",
        "progress": ["percent": 42.5, "downloadedBytes": 4_456_448, "totalBytes": 10_485_760, "speed": "1.2 MB/s", "eta": "5s"],
        "filePath": nil, "fileSize": nil, "error": nil, "userId": "user-123", "createdAt": "2023-01-01T00:00:00Z",
        "startedAt": "2023-01-01T00:00:01Z", "completedAt": nil,
    ]
}
