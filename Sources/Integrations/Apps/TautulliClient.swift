import Fetch

/// `get_activity`'s data: how many streams, and each session's headline fields.
public struct TautulliActivity: Decodable, Sendable, Equatable {
    /// One playing session.
    public struct Session: Decodable, Sendable, Equatable {
        public let sessionKey: String?
        public let user: String?
        public let fullTitle: String?
        public let mediaType: String?
        public let state: String?
        public let progressPercent: String?

        enum CodingKeys: String, CodingKey {
            case user, state
            case sessionKey = "session_key", fullTitle = "full_title", mediaType = "media_type", progressPercent = "progress_percent"
        }
    }

    public let streamCount: Int
    public let sessions: [Session]

    enum CodingKeys: String, CodingKey {
        case sessions
        case streamCount = "stream_count"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        // Tautulli writes the count as a string ("2") in some versions and a number in others.
        if let number = try? container.decode(Int.self, forKey: .streamCount) {
            streamCount = number
        } else {
            streamCount = Int(try container.decode(String.self, forKey: .streamCount)) ?? 0
        }
        sessions = try container.decodeIfPresent([Session].self, forKey: .sessions) ?? []
    }
}

/// `get_tautulli_info`'s data: the version, for the probe.
public struct TautulliInfo: Decodable, Sendable, Equatable {
    public let version: String

    enum CodingKeys: String, CodingKey {
        case version = "tautulli_version"
    }
}

/// `get_server_info`'s data: the Plex server Tautulli watches.
public struct TautulliServerInfo: Decodable, Sendable, Equatable {
    public let name: String?
    public let version: String?

    enum CodingKeys: String, CodingKey {
        case name = "pms_name", version = "pms_version"
    }
}

/// Tautulli's v2 API (`GET /api/v2?apikey=…&cmd=…`, answers under `response.data`).
public struct TautulliClient: Sendable {
    public let connection: AppConnection

    public init(connection: AppConnection) {
        self.connection = connection
    }

    /// Streams playing now (cached 30 s).
    public func activity() async throws(IntegrationError) -> TautulliActivity {
        try await connection.get("/api/v2", [("cmd", "get_activity")], lifetime: .status)
    }

    /// Tautulli's own version (the probe).
    public func info(fresh: Bool = false) async throws(IntegrationError) -> TautulliInfo {
        if fresh {
            let info: TautulliInfo = try await connection.send(.get, "/api/v2", [("cmd", "get_tautulli_info")], body: nil, what: "info")
            connection.cache.store(info, "/api/v2?cmd=get_tautulli_info", lifetime: .status)
            return info
        }
        return try await connection.get("/api/v2", [("cmd", "get_tautulli_info")], lifetime: .status)
    }

    public func serverInfo() async throws(IntegrationError) -> TautulliServerInfo {
        try await connection.get("/api/v2", [("cmd", "get_server_info")], lifetime: .configuration)
    }
}
