/// `GET /api/v3/system/status` (Radarr, Sonarr; Prowlarr's `/api/v1/system/status`): the fields we show.
public struct ArrSystemStatus: Decodable, Sendable, Equatable {
    public let appName: String?
    public let instanceName: String?
    public let version: String
    /// ISO 8601, as the app writes it.
    public let startTime: String?
}

/// One row of `GET /api/v3/health`: a warning or error the app reports about itself.
public struct ArrHealthItem: Decodable, Sendable, Equatable {
    public let source: String?
    public let type: String?
    public let message: String?
}

/// One of `GET /api/v3/qualityprofile`.
public struct ArrQualityProfile: Decodable, Sendable, Equatable {
    public let id: Int
    public let name: String
    public let upgradeAllowed: Bool?
    public let cutoff: Int?
    public let minFormatScore: Int?
}

/// One of `GET /api/v3/rootfolder`.
public struct ArrRootFolder: Decodable, Sendable, Equatable {
    public let id: Int
    public let path: String
    public let accessible: Bool?
    public let freeSpace: Int64?
}

/// One entry of a queue page (`GET /api/v3/queue`): a download in progress.
public struct ArrQueueItem: Decodable, Sendable, Equatable {
    public let id: Int
    public let movieId: Int?
    public let seriesId: Int?
    public let episodeId: Int?
    public let title: String?
    public let status: String?
    public let trackedDownloadState: String?
    public let size: Double?
    public let sizeleft: Double?
    public let timeleft: String?
    public let estimatedCompletionTime: String?
}

/// One entry of a history page (`GET /api/v3/history`).
public struct ArrHistoryItem: Decodable, Sendable, Equatable {
    public let id: Int
    public let movieId: Int?
    public let seriesId: Int?
    public let episodeId: Int?
    public let sourceTitle: String?
    public let eventType: String?
    public let date: String?
}

/// The *arr apps' paging envelope (`page`, `pageSize`, `totalRecords`, `records`).
public struct ArrPage<Record: Decodable & Sendable & Equatable>: Decodable, Sendable, Equatable {
    public let page: Int?
    public let pageSize: Int?
    public let totalRecords: Int?
    public let records: [Record]
}

/// `POST /api/v3/command`'s answer: the queued command.
public struct ArrCommand: Decodable, Sendable, Equatable {
    public let id: Int
    public let name: String?
    public let status: String?
}

/// A movie as Radarr lists it (`GET /api/v3/movie`, `/movie/lookup/tmdb`).
public struct RadarrMovie: Decodable, Sendable, Equatable {
    public let id: Int?
    public let title: String
    public let originalTitle: String?
    public let year: Int?
    public let tmdbId: Int
    public let imdbId: String?
    public let path: String?
    public let hasFile: Bool?
    public let monitored: Bool?
    public let sizeOnDisk: Int64?
    public let overview: String?
    public let runtime: Int?
    public let titleSlug: String?
    public let qualityProfileId: Int?
}

/// A series as Sonarr lists it (`GET /api/v3/series`, `/series/lookup`).
public struct SonarrSeries: Decodable, Sendable, Equatable {
    /// Episode counts Sonarr keeps per series.
    public struct Statistics: Decodable, Sendable, Equatable {
        public let seasonCount: Int?
        public let episodeCount: Int?
        public let episodeFileCount: Int?
        public let totalEpisodeCount: Int?
    }

    public let id: Int?
    public let title: String
    public let year: Int?
    public let tvdbId: Int
    public let tmdbId: Int?
    public let imdbId: String?
    public let path: String?
    public let monitored: Bool?
    public let overview: String?
    public let titleSlug: String?
    public let statistics: Statistics?
}

/// `/api/v1/indexer` (Prowlarr): one indexer.
public struct ProwlarrIndexer: Decodable, Sendable, Equatable {
    public let id: Int
    public let name: String?
    public let enable: Bool?
    public let protocol_: String?
    public let priority: Int?

    enum CodingKeys: String, CodingKey {
        case id, name, enable, priority
        case protocol_ = "protocol"
    }
}

/// `/api/v1/indexerstatus` (Prowlarr): an indexer that is failing or disabled for a while.
public struct ProwlarrIndexerStatus: Decodable, Sendable, Equatable {
    public let id: Int?
    public let indexerId: Int
    public let disabledTill: String?
    public let mostRecentFailure: String?
}

/// Nothing we read (answers whose body does not matter).
public struct Ignored: Decodable, Sendable, Equatable {
    public init(from decoder: any Decoder) throws {}
}
