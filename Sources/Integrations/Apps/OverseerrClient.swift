import Fetch

/// `GET /api/v1/status`.
public struct OverseerrStatus: Decodable, Sendable, Equatable {
    public let version: String
    public let commitTag: String?
    public let updateAvailable: Bool?
}

/// Overseerr's media availability (`mediaInfo.status`): 1 unknown, 2 pending, 3 processing,
/// 4 partially available, 5 available.
public enum OverseerrMediaStatus: Int, Sendable, Codable {
    case unknown = 1, pending, processing, partiallyAvailable, available
}

/// A request as Overseerr answers it (`MediaRequest`).
public struct OverseerrRequest: Decodable, Sendable, Equatable {
    /// The requested media (`MediaInfo`).
    public struct Media: Decodable, Sendable, Equatable {
        public let id: Int?
        public let tmdbId: Int?
        public let tvdbId: Int?
        public let status: Int?
        public let mediaType: String?
    }

    /// Who asked.
    public struct User: Decodable, Sendable, Equatable {
        public let id: Int?
        public let displayName: String?
    }

    public let id: Int
    /// 1 pending approval, 2 approved, 3 declined.
    public let status: Int
    public let media: Media?
    public let createdAt: String?
    public let updatedAt: String?
    public let requestedBy: User?
    public let is4k: Bool?
}

/// `GET /api/v1/request`'s page.
public struct OverseerrRequestPage: Decodable, Sendable, Equatable {
    /// Overseerr's `PageInfo`.
    public struct PageInfo: Decodable, Sendable, Equatable {
        public let page: Int?
        public let pages: Int?
        public let pageSize: Int?
        public let results: Int?
    }

    public let pageInfo: PageInfo?
    public let results: [OverseerrRequest]
}

/// Overseerr's v1 API: status, requests (list, create, approve, decline), a title's availability.
public struct OverseerrClient: Sendable {
    /// A new request's media type.
    public enum MediaType: String, Sendable, Encodable {
        case movie, tv
    }

    public let connection: AppConnection

    public init(connection: AppConnection) {
        self.connection = connection
    }

    public func status(fresh: Bool = false) async throws(IntegrationError) -> OverseerrStatus {
        if fresh {
            let status: OverseerrStatus = try await connection.send(.get, "/api/v1/status", [], body: nil, what: "status")
            connection.cache.store(status, "/api/v1/status", lifetime: .status)
            return status
        }
        return try await connection.get("/api/v1/status", lifetime: .status)
    }

    /// One page of requests (`filter`: all, approved, available, pending, processing, unavailable, failed).
    public func requests(take: Int = 20, skip: Int = 0, filter: String = "all") async throws(IntegrationError) -> OverseerrRequestPage {
        try await connection.get(
            "/api/v1/request", [("take", String(take)), ("skip", String(skip)), ("filter", filter), ("sort", "added")], lifetime: .status)
    }

    /// Creates a request for TMDb id `tmdbId` (a TV request names its seasons; none: all of them).
    public func createRequest(
        mediaType: MediaType, tmdbId: Int, tvdbId: Int? = nil, seasons: [Int]? = nil, is4k: Bool = false, profileId: Int? = nil,
        rootFolder: String? = nil
    ) async throws(IntegrationError) -> OverseerrRequest {
        let body = NewRequest(
            mediaType: mediaType, mediaId: tmdbId, tvdbId: tvdbId, seasons: mediaType == .tv ? .init(seasons) : nil, is4k: is4k,
            profileId: profileId, rootFolder: rootFolder)
        return try await connection.send(.post, "/api/v1/request", json: body)
    }

    public func approve(requestId: Int) async throws(IntegrationError) -> OverseerrRequest {
        try await connection.send(.post, "/api/v1/request/\(requestId)/approve", json: Empty(), what: "request \(requestId)")
    }

    public func decline(requestId: Int) async throws(IntegrationError) -> OverseerrRequest {
        try await connection.send(.post, "/api/v1/request/\(requestId)/decline", json: Empty(), what: "request \(requestId)")
    }

    /// The availability Overseerr knows for a movie or show (`mediaInfo.status`); nil when it has no record of it.
    public func mediaStatus(_ mediaType: MediaType, tmdbId: Int) async throws(IntegrationError) -> OverseerrMediaStatus? {
        let details: MediaDetails = try await connection.get(
            "/api/v1/\(mediaType.rawValue)/\(tmdbId)", lifetime: .status, what: "\(mediaType == .movie ? "movie" : "show") with TMDb id \(tmdbId)")
        return details.mediaInfo?.status.flatMap(OverseerrMediaStatus.init(rawValue:))
    }

    /// The part of a movie's or show's details we read.
    struct MediaDetails: Decodable, Sendable {
        struct Info: Decodable, Sendable {
            let status: Int?
        }

        let mediaInfo: Info?
    }

    /// `POST /api/v1/request`'s body.
    struct NewRequest: Encodable {
        /// A list of season numbers, or `"all"`.
        struct Seasons: Encodable {
            let numbers: [Int]?
            init(_ numbers: [Int]?) { self.numbers = numbers }
            func encode(to encoder: any Encoder) throws {
                var container = encoder.singleValueContainer()
                if let numbers, !numbers.isEmpty { try container.encode(numbers) } else { try container.encode("all") }
            }
        }

        let mediaType: MediaType
        let mediaId: Int
        let tvdbId: Int?
        let seasons: Seasons?
        let is4k: Bool
        let profileId: Int?
        let rootFolder: String?
    }

    struct Empty: Encodable {}
}
