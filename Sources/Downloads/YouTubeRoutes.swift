public import HTTP
import Core

/// 001's `GET /api/v1/youtube/metadata`: what yt-dlp knows of a URL (`yt-dlp -J`), under a time-out
/// and a cap on its output. The download routes themselves are still to come (issue 17).
public struct YouTubeRoutes: RouteProvider {
    /// The yt-dlp to run, looked up on each call so installing it needs no restart; nil when missing.
    let executable: @Sendable () -> String?
    let timeoutSeconds: Int
    /// Largest `-J` document read (a playlist-sized answer is refused, not parsed).
    static let maxOutput = 8 << 20

    public init(timeoutSeconds: Int = 20, executable: @escaping @Sendable () -> String? = { YtDlpProcess.locate() }) {
        self.executable = executable
        self.timeoutSeconds = timeoutSeconds
    }

    static let formatSchema = Schema.object([
        "formatId": .string, "ext": .nullable(.string), "height": .nullable(.integer), "filesize": .nullable(.integer),
    ])
    static let metadataSchema = Schema.object([
        "id": .string, "title": .string, "url": .string, "duration": .nullable(.number), "thumbnail": .nullable(.string),
        "uploader": .nullable(.string), "extractor": .nullable(.string), "formats": .array(formatSchema),
    ])

    public var routes: [Route] {
        let (executable, timeout) = (executable, timeoutSeconds)
        return [
            .get(
                "/api/v1/youtube/metadata", .authenticated,
                RouteDoc(
                    "What yt-dlp reads of a video URL (http or https): title, duration, thumbnail, uploader, formats (001)",
                    tag: "youtube", query: ["url"],
                    response: [
                        "success": true,
                        "data": [
                            "id": "example", "title": "Video Title", "url": "https://www.youtube.com/watch?v=example", "duration": 212,
                            "thumbnail": "https://i.ytimg.com/vi/example/hq.jpg", "uploader": "Someone", "extractor": "youtube",
                            "formats": [["formatId": "22", "ext": "mp4", "height": 720, "filesize": 1_048_576]],
                        ],
                    ],
                    responseSchema: .success(["data": Self.metadataSchema]), errors: [400, 502, 503])
            ) { request in
                let url = try YtDlpCommand.validatedURL(request.query["url"] ?? "")
                guard let program = executable() else {
                    throw HTTPError.unavailable("yt-dlp is not installed (the Debian package yt-dlp)", code: "YTDLP_MISSING")
                }
                let outcome = await YtDlpProcess.run(
                    YtDlpCommand.metadata(executable: program, url: url), timeoutSeconds: timeout, maxOutput: Self.maxOutput)
                return .json(["success": true, "data": try Self.metadata(outcome, url: url)])
            }
        ]
    }

    /// The answer from yt-dlp's outcome, or a 502 with a short reason (never its output).
    static func metadata(_ outcome: YtDlpProcess.Outcome, url: String) throws(HTTPError) -> JSON {
        switch outcome {
        case .timedOut: throw HTTPError.badGateway("yt-dlp took longer than allowed to read the URL")
        case .tooLarge: throw HTTPError.badGateway("yt-dlp's answer is too large (a playlist?)")
        case .failedToStart(let why): throw HTTPError.unavailable("yt-dlp could not be started: \(why)", code: "YTDLP_MISSING")
        case .finished(let status, let output):
            guard status == 0, let document = try? JSON.parseStrict(output) else {
                throw HTTPError.badGateway("yt-dlp could not read this URL", detail: "exit status \(status)")
            }
            let formats = (document["formats"]?.arrayValue ?? []).prefix(100).map { format -> JSON in
                [
                    "formatId": .string(format["format_id"]?.stringValue ?? ""), "ext": format["ext"]?.stringValue.map(JSON.string) ?? .null,
                    "height": format["height"]?.intValue.map(JSON.int) ?? .null,
                    "filesize": (format["filesize"]?.intValue ?? format["filesize_approx"]?.intValue).map(JSON.int) ?? .null,
                ]
            }
            return [
                "id": .string(document["id"]?.stringValue ?? ""), "title": .string(document["title"]?.stringValue ?? ""),
                "url": .string(document["webpage_url"]?.stringValue ?? url),
                "duration": document["duration"]?.doubleValue.map(JSON.double) ?? .null,
                "thumbnail": document["thumbnail"]?.stringValue.map(JSON.string) ?? .null,
                "uploader": document["uploader"]?.stringValue.map(JSON.string) ?? .null,
                "extractor": document["extractor"]?.stringValue.map(JSON.string) ?? .null,
                "formats": .array(Array(formats)),
            ]
        }
    }
}
