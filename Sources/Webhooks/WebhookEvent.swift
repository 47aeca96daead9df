public import Core
import Crypto
public import HTTP

/// One validated webhook delivery: what happened, the files or item it names, and the key that
/// identifies it for replay detection.
public struct WebhookEvent: Sendable {
    /// What the daemon does with an event.
    public enum Action: Sendable, Equatable {
        /// A `Test` event: answered, nothing else.
        case test
        /// A Radarr/Sonarr `Download` (import or upgrade): thumbnails for `files`, and a catalog scan.
        case importFiles
        /// A Plex `library.new`: thumbnails for the item `ratingKey`.
        case plexNew
        /// `Rename` and the deletes: a catalog scan of the folders holding `files` and `folders`.
        case catalogScan
        /// Accepted and logged only (`Grab`, `Health`, `SeriesAdd`, `ApplicationUpdate`, other Plex events).
        case logOnly
    }

    public let source: WebhookSource
    /// `eventType` (Radarr, Sonarr) or `event` (Plex).
    public let type: String
    public let action: Action
    /// Media files as the app reports them (absolute paths).
    public let files: [String]
    /// Folders the event concerns besides the files (a deleted movie or series folder).
    public let folders: [String]
    /// The movie, episode or item, for the job's name and the log.
    public let title: String
    /// Plex's item, for `library.new`.
    public let ratingKey: String?
    /// Hex SHA-256 over the source, type and identifying fields (`webhook_events.event_key`).
    public let key: String

    /// The longest path or field value taken from a payload.
    static let maximumFieldBytes = 4096
    /// The longest title kept (a job's `library_name`).
    static let maximumTitleCharacters = 200
    /// The most files one event may name.
    static let maximumFiles = 200

    init(
        source: WebhookSource, type: String, action: Action, files: [String] = [], folders: [String] = [], title: String,
        ratingKey: String? = nil, identity: [String]
    ) {
        self.source = source
        self.type = type
        self.action = action
        self.files = files
        self.folders = folders
        self.title = title.count > Self.maximumTitleCharacters ? String(title.prefix(Self.maximumTitleCharacters)) + "…" : title
        self.ratingKey = ratingKey
        let text = ([source.rawValue, type] + identity).joined(separator: "\u{1F}")
        key = Base64.hex(Crypto.sha256(Array(text.utf8)))
    }
}

/// Reads and validates Radarr and Sonarr JSON payloads (003's `RadarrWebhookPayload`,
/// `SonarrWebhookPayload`) and Plex's multipart one; every refusal is a 400 naming the field.
public enum WebhookPayload {
    /// The event of a Radarr or Sonarr body.
    public static func arr(_ source: WebhookSource, body json: JSON) throws(HTTPError) -> WebhookEvent {
        guard json.objectValue != nil else { throw HTTPError.badRequest("The webhook body must be a JSON object", detail: "body") }
        guard let typeValue = json["eventType"] else { throw HTTPError.badRequest("Missing field 'eventType'", detail: "eventType") }
        guard let type = typeValue.stringValue else { throw HTTPError.badRequest("Wrong type for field 'eventType'", detail: "eventType") }
        guard source.eventTypes.contains(type) else {
            throw HTTPError.badRequest(
                "Unknown \(source.rawValue) eventType '\(String(type.prefix(64)))'; expected one of \(source.eventTypes.joined(separator: ", "))",
                detail: "eventType")
        }
        let (itemKey, fileKey) = source == .radarr ? ("movie", "movieFile") : ("series", "episodeFile")
        let item = try object(json, itemKey)
        var folder = try string(item, "folderPath", in: itemKey)
        if folder == nil { folder = try string(item, "path", in: itemKey) }
        let file = try object(json, fileKey)
        var files: [String] = []
        if let path = try filePath(file, field: fileKey, folder: folder) { files.append(path) }
        if let deleted = json["deletedFiles"] {
            guard let list = deleted.arrayValue, list.count <= WebhookEvent.maximumFiles else {
                throw HTTPError.badRequest("Field 'deletedFiles' must be an array of at most \(WebhookEvent.maximumFiles) files", detail: "deletedFiles")
            }
            for (n, entry) in list.enumerated() {
                guard entry.objectValue != nil else { throw HTTPError.badRequest("Wrong type for field 'deletedFiles.\(n)'", detail: "deletedFiles") }
                if let path = try filePath(entry, field: "deletedFiles.\(n)", folder: folder) { files.append(path) }
            }
        }
        let downloadID = try string(json, "downloadId", in: nil)
        let title = try string(item, "title", in: itemKey) ?? files.first.map { String($0.split(separator: "/").last ?? "") } ?? type
        let episodes = (json["episodes"]?.arrayValue ?? []).compactMap { $0["id"]?.intValue.map(String.init) }

        let action: WebhookEvent.Action
        switch type {
        case "Test": action = .test
        case "Download":
            guard !files.isEmpty else {
                throw HTTPError.badRequest("A Download event needs '\(fileKey).path' (or '\(fileKey).relativePath' with the \(itemKey)'s folder)", detail: fileKey)
            }
            action = .importFiles
        case "Rename", "MovieDelete", "MovieFileDelete", "SeriesDelete", "EpisodeFileDelete": action = .catalogScan
        default: action = .logOnly
        }
        var identity = [
            downloadID ?? "", item?["id"]?.intValue.map(String.init) ?? "", file?["id"]?.intValue.map(String.init) ?? "",
            episodes.joined(separator: ","), json["isUpgrade"]?.boolValue == true ? "upgrade" : "",
        ] + files
        if identity.allSatisfy(\.isEmpty) { identity.append(String(decoding: json.encoded(), as: UTF8.self)) }
        return WebhookEvent(
            source: source, type: type, action: action, files: files, folders: folder.map { [$0] } ?? [], title: title, identity: identity)
    }

    /// The event of a Plex `multipart/form-data` body: its `payload` part is JSON (a `thumb` part is
    /// ignored). Only `library.new` acts; it needs `Metadata.ratingKey`.
    public static func plex(body: [UInt8], contentType: String) throws(HTTPError) -> WebhookEvent {
        let form = try MultipartForm(body: body, contentType: contentType, maxParts: 4)
        guard let part = form.part("payload") else { throw HTTPError.badRequest("Missing field 'payload'", detail: "payload") }
        let json: JSON
        do { json = try JSON.parseStrict(part.body) } catch {
            throw HTTPError.badRequest("Field 'payload' is not valid JSON", detail: "payload: \(error.description)")
        }
        guard json.objectValue != nil else { throw HTTPError.badRequest("Field 'payload' must be a JSON object", detail: "payload") }
        guard let event = json["event"]?.stringValue, !event.isEmpty, event.utf8.count <= 64 else {
            throw HTTPError.badRequest("Missing field 'payload.event'", detail: "payload.event")
        }
        let metadata = try object(json, "Metadata")
        let ratingKey = metadata?["ratingKey"].flatMap { $0.stringValue ?? $0.intValue.map(String.init) }
        let server = try string(try object(json, "Server"), "uuid", in: "Server") ?? ""
        var title = try string(metadata, "title", in: "Metadata") ?? ratingKey ?? event
        if let show = try string(metadata, "grandparentTitle", in: "Metadata") { title = "\(show) – \(title)" }
        guard event == "library.new" else {
            return WebhookEvent(source: .plex, type: event, action: .logOnly, title: title, ratingKey: ratingKey, identity: [server, ratingKey ?? ""])
        }
        guard let ratingKey, !ratingKey.isEmpty, ratingKey.utf8.count <= 64 else {
            throw HTTPError.badRequest("A library.new event needs 'Metadata.ratingKey'", detail: "payload.Metadata.ratingKey")
        }
        return WebhookEvent(source: .plex, type: event, action: .plexNew, title: title, ratingKey: ratingKey, identity: [server, ratingKey])
    }

    // MARK: Fields

    /// `json[key]` when it is an object; nil when absent or null; a 400 for another type.
    static func object(_ json: JSON?, _ key: String) throws(HTTPError) -> JSON? {
        guard let value = json?[key], value != .null else { return nil }
        guard value.objectValue != nil else { throw HTTPError.badRequest("Wrong type for field '\(key)'", detail: key) }
        return value
    }

    /// `json[key]` when it is a string of at most `maximumFieldBytes`; nil when absent, null or empty.
    static func string(_ json: JSON?, _ key: String, in parent: String?) throws(HTTPError) -> String? {
        let name = parent.map { "\($0).\(key)" } ?? key
        guard let value = json?[key], value != .null else { return nil }
        guard let text = value.stringValue else { throw HTTPError.badRequest("Wrong type for field '\(name)'", detail: name) }
        guard text.utf8.count <= WebhookEvent.maximumFieldBytes else {
            throw HTTPError.badRequest("Field '\(name)' is over \(WebhookEvent.maximumFieldBytes) bytes", detail: name)
        }
        return text.isEmpty ? nil : text
    }

    /// A file object's absolute path: `path`, or `relativePath` under `folder`.
    static func filePath(_ file: JSON?, field: String, folder: String?) throws(HTTPError) -> String? {
        if let path = try string(file, "path", in: field) { return path }
        guard let relative = try string(file, "relativePath", in: field), let folder else { return nil }
        return (folder.hasSuffix("/") ? String(folder.dropLast()) : folder) + "/" + relative
    }
}
