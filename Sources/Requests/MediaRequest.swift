import Core
import Store

/// One person's wish for a movie or show (001's media request): what, for whom, and where it stands.
/// A request starts `pending`; an admin approves (it is sent on to Overseerr or Radarr/Sonarr and
/// becomes `processing`) or declines it; the apps' answers move it to `available` or `failed`.
public struct MediaRequest: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case movie, tv
    }

    public enum Status: String, Sendable, CaseIterable {
        case pending, approved, declined, processing, available, failed

        /// Still waiting for something (an admin, or the app fetching it).
        public var isOpen: Bool { self == .pending || self == .approved || self == .processing }
    }

    public var id: String
    public var userID: String
    public var kind: Kind
    public var tmdbID: Int
    public var title: String
    public var year: Int?
    public var posterPath: String?
    public var quality: String?
    public var comment: String?
    /// Season numbers asked for (shows only); empty: every season.
    public var seasons: [Int]
    public var status: Status
    /// Where it was sent (`overseerr`, `radarr`, `sonarr`), once approved.
    public var target: String?
    /// Its id there (Overseerr's request id, Radarr's movie id, Sonarr's series id).
    public var remoteID: String?
    /// Why it is `declined` or `failed`, or what the app last said.
    public var statusReason: String?
    public var decidedBy: String?
    /// Unix milliseconds.
    public var createdAt: Int64
    public var updatedAt: Int64

    /// The row's columns in `RequestStore.columns` order.
    init(row: Row) {
        id = row[0].stringValue ?? ""
        userID = row[1].stringValue ?? ""
        kind = Kind(rawValue: row[2].stringValue ?? "") ?? .movie
        tmdbID = row[3].intValue ?? 0
        title = row[4].stringValue ?? ""
        year = row[5].intValue
        posterPath = row[6].stringValue
        quality = row[7].stringValue
        comment = row[8].stringValue
        seasons = (row[9].stringValue ?? "").split(separator: ",").compactMap { Int($0) }
        status = Status(rawValue: row[10].stringValue ?? "") ?? .pending
        target = row[11].stringValue
        remoteID = row[12].stringValue
        statusReason = row[13].stringValue
        decidedBy = row[14].stringValue
        createdAt = row[15].int64Value ?? 0
        updatedAt = row[16].int64Value ?? 0
    }

    public init(
        id: String, userID: String, kind: Kind, tmdbID: Int, title: String, year: Int?, posterPath: String?, quality: String?,
        comment: String?, seasons: [Int], createdAt: Int64
    ) {
        self.id = id
        self.userID = userID
        self.kind = kind
        self.tmdbID = tmdbID
        self.title = title
        self.year = year
        self.posterPath = posterPath
        self.quality = quality
        self.comment = comment
        self.seasons = seasons
        status = .pending
        self.createdAt = createdAt
        updatedAt = createdAt
    }
}
