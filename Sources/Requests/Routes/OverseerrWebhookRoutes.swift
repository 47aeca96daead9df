import Core
import Crypto
public import HTTP
public import Webhooks

/// 001's `POST /api/v1/webhooks/overseerr`: Overseerr's notifications (its JSON webhook agent, default
/// template) move our open requests for the media they name. The shared secret is Overseerr's
/// (`integrations.overseerr.webhook_secret`), checked as the other webhooks check theirs; a replay of
/// the same notification within 24 h does nothing.
public struct OverseerrWebhookRoutes: RouteProvider {
    /// A notification is a few hundred bytes; Overseerr's largest (with an issue comment) is a few KiB.
    public static let bodyLimit = 64 << 10

    let requests: RequestService
    let webhooks: WebhookService

    public init(requests: RequestService, webhooks: WebhookService) {
        self.requests = requests
        self.webhooks = webhooks
    }

    /// Overseerr's notification types and the status each gives our request (nil: nothing changes).
    static let transitions: [String: MediaRequest.Status?] = [
        "MEDIA_PENDING": nil, "MEDIA_AUTO_REQUESTED": nil, "MEDIA_APPROVED": .processing, "MEDIA_AUTO_APPROVED": .processing,
        "MEDIA_AVAILABLE": .available, "MEDIA_DECLINED": .declined, "MEDIA_FAILED": .failed, "TEST_NOTIFICATION": nil,
        "ISSUE_CREATED": nil, "ISSUE_COMMENT": nil, "ISSUE_RESOLVED": nil, "ISSUE_REOPENED": nil,
    ]

    static let answer = Schema.object(
        ["status": .oneOf(["accepted", "duplicate", "ignored"]), "event": .string], optional: ["updated": .integer])

    public var routes: [Route] {
        let (requests, webhooks) = (requests, webhooks)
        return [
            Route.post(
                "/api/v1/webhooks/overseerr", .public,
                RouteDoc(
                    "Receive an Overseerr notification (shared secret in X-Webhook-Secret or ?secret=): MEDIA_APPROVED, MEDIA_AVAILABLE, MEDIA_DECLINED and MEDIA_FAILED move the open requests for that movie or show (001)",
                    tag: "webhooks", query: ["secret"], parameterTypes: ["secret": .string(maxLength: 256)],
                    request: ["notification_type": "MEDIA_APPROVED", "media": ["tmdbId": "603", "media_type": "movie"]],
                    response: ["status": "accepted", "event": "MEDIA_APPROVED", "updated": 1], status: 202,
                    requestSchema: .object(
                        ["notification_type": .oneOf(Self.transitions.keys.sorted())],
                        optional: [
                            "media": .nullable(
                                .object(
                                    [:],
                                    optional: [
                                        "tmdbId": Schema(["type": ["string", "integer"]]), "media_type": .string(maxLength: 16),
                                        "status": .string(maxLength: 64),
                                    ])),
                            "subject": .string(maxLength: 1000), "message": .string(maxLength: 4000),
                            "request": .nullable(.object([:], optional: ["request_id": Schema(["type": ["string", "integer"]])])),
                        ]),
                    responseSchema: Self.answer, errors: [400, 401, 413, 503])
            ) { request in
                try webhooks.authorize(.overseerr, request)
                guard request.body.count <= Self.bodyLimit else { throw HTTPError.payloadTooLarge(limit: Self.bodyLimit) }
                let notification = try OverseerrNotification(try request.json())
                let key = Base64.hex(
                    Crypto.sha256(Array("overseerr|\(notification.type)|\(notification.kind?.rawValue ?? "")|\(notification.tmdbID ?? 0)|\(notification.requestID ?? "")".utf8)))
                guard try await webhooks.firstSighting(.overseerr, key: key) else {
                    return .json(["status": "duplicate", "event": .string(notification.type)], status: 202)
                }
                guard let target = Self.transitions[notification.type] ?? nil, let tmdbID = notification.tmdbID else {
                    Log.shared.info("Overseerr notification \(notification.type) received")
                    return .json(["status": "ignored", "event": .string(notification.type)], status: 202)
                }
                let reason = target == .declined || target == .failed ? "Overseerr: \(notification.type)" : nil
                let updated = try await requests.follow(kind: notification.kind, tmdbID: tmdbID, to: target, reason: reason)
                Log.shared.info("Overseerr \(notification.type) for TMDb \(tmdbID): \(updated) request(s) updated")
                return .json(["status": "accepted", "event": .string(notification.type), "updated": JSON(updated)], status: 202)
            }
        ]
    }
}

/// The fields of Overseerr's default webhook template that say what happened to which media. The
/// template sends every value as a string (`"tmdbId": "603"`); numbers are taken too.
struct OverseerrNotification {
    let type: String
    let kind: MediaRequest.Kind?
    let tmdbID: Int?
    let requestID: String?

    init(_ json: JSON) throws(HTTPError) {
        guard case .object = json else { throw HTTPError.badRequest("The request body must be a JSON object", detail: "body") }
        guard let type = json["notification_type"]?.stringValue, !type.isEmpty else {
            throw HTTPError.badRequest("Missing field 'notification_type'", detail: "notification_type")
        }
        guard OverseerrWebhookRoutes.transitions.keys.contains(type) else {
            throw HTTPError.badRequest(
                "Unknown notification_type '\(type.prefix(64))': one of \(OverseerrWebhookRoutes.transitions.keys.sorted().joined(separator: ", "))",
                detail: "notification_type")
        }
        self.type = type
        let media = json["media"]
        if let media, media != .null, media.objectValue == nil { throw HTTPError.badRequest("Wrong type for field 'media'", detail: "media") }
        switch media?["media_type"] {
        case nil, .null?, .string("")?: kind = nil
        case .string(let text)?:
            guard let kind = MediaRequest.Kind(rawValue: text) else {
                throw HTTPError.badRequest("Invalid media.media_type: movie or tv", detail: "media.media_type")
            }
            self.kind = kind
        default: throw HTTPError.badRequest("Wrong type for field 'media.media_type'", detail: "media.media_type")
        }
        tmdbID = try Self.number(media?["tmdbId"], field: "media.tmdbId")
        requestID = try Self.number(json["request"]?["request_id"], field: "request.request_id").map(String.init)
        if case .some(.some) = OverseerrWebhookRoutes.transitions[type], tmdbID == nil {
            throw HTTPError.badRequest("\(type) needs media.tmdbId", detail: "media.tmdbId")
        }
    }

    /// An id as the template sends it: a decimal string (empty: none) or a number, 1 to 2³¹−1.
    static func number(_ value: JSON?, field: String) throws(HTTPError) -> Int? {
        let number: Int?
        switch value {
        case nil, .null?, .string("")?: return nil
        case .string(let text)?: number = text.utf8.count <= 10 ? Int(text) : nil
        case let value?: number = value.doubleValue.flatMap { $0.rounded() == $0 && abs($0) < 1e10 ? Int($0) : nil }
        }
        guard let number, (1...2_147_483_647).contains(number) else {
            throw HTTPError.badRequest("Invalid \(field): an id from 1 to 2147483647", detail: field)
        }
        return number
    }
}
