public import HTTP

/// How approved requests leave the appliance, given by the daemon from its integration clients:
/// Overseerr when it is configured, else Radarr (movies) or Sonarr (shows) with the configured quality
/// profile and root folder. The requests service knows no app; this is its one way out.
public struct RequestForwarding: Sendable {
    /// Where a forwarded request went and its id there.
    public struct Receipt: Sendable, Equatable {
        public let target: String
        public let remoteID: String?

        public init(target: String, remoteID: String?) {
            self.target = target
            self.remoteID = remoteID
        }
    }

    /// Sends an approved request on; throws the app's failure as the HTTP error to answer.
    public let forward: @Sendable (MediaRequest) async throws(HTTPError) -> Receipt
    /// What the app says of a forwarded request now (`processing`, `available`, `failed`), nil when
    /// it cannot tell (the app is down, or says nothing new).
    public let status: @Sendable (MediaRequest) async -> (status: MediaRequest.Status, reason: String?)?
    /// Whether the app that fetches media already has this movie or show, nil when no app can tell.
    public let has: @Sendable (MediaRequest.Kind, Int) async -> Bool?

    public init(
        forward: @escaping @Sendable (MediaRequest) async throws(HTTPError) -> Receipt,
        status: @escaping @Sendable (MediaRequest) async -> (status: MediaRequest.Status, reason: String?)?,
        has: @escaping @Sendable (MediaRequest.Kind, Int) async -> Bool?
    ) {
        self.forward = forward
        self.status = status
        self.has = has
    }

    /// No app configured: approving answers 503 and nothing is sent.
    public static let none = RequestForwarding(
        forward: { _ throws(HTTPError) in
            throw HTTPError.unavailable(
                "No app is configured to fetch requests: enable Overseerr, or Radarr and Sonarr", code: "INTEGRATION_NOT_CONFIGURED")
        },
        status: { _ in nil }, has: { _, _ in nil })
}
