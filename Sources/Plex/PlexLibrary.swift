/// Who a Plex Media Server says it is (`GET /` or `/identity`).
public struct PlexServerIdentity: Sendable, Equatable {
    public let friendlyName: String
    public let machineIdentifier: String
    public let version: String
}

/// One library section (`/library/sections`): `type` is Plex's (`movie`, `show`, `artist`, `photo`).
public struct PlexLibrarySection: Sendable, Equatable {
    public let id: String
    public let title: String
    public let type: String
    /// The folders on the Plex server the section scans (Plex's paths, before any mapping).
    public let locations: [String]

    /// The metadata type number whose items have media files: 1 (movie) for movie sections,
    /// 4 (episode) for show sections, nil for the others.
    public var videoItemType: Int? {
        switch type {
        case "movie": 1
        case "show": 4
        default: nil
        }
    }
}

/// One media file of an item. `hash` is what names its bundle folder (and so the BIF path);
/// section listings leave it out, `/library/metadata/{id}/tree` has it.
public struct PlexMediaPart: Sendable, Equatable {
    public let id: String
    public let hash: String?
    public let file: String
    public let size: Int64?
    /// Milliseconds.
    public let duration: Int?

    public init(id: String, hash: String?, file: String, size: Int64?, duration: Int?) {
        self.id = id
        self.hash = hash
        self.file = file
        self.size = size
        self.duration = duration
    }
}

/// A movie or an episode with its media parts.
public struct PlexItem: Sendable, Equatable {
    public let ratingKey: String
    /// `movie` or `episode`.
    public let type: String
    public let title: String
    /// The show of an episode.
    public let grandparentTitle: String?
    /// The season of an episode.
    public let parentIndex: Int?
    /// The episode number.
    public let index: Int?
    public let year: Int?
    public let parts: [PlexMediaPart]

    /// What people see in progress lines: "Show S01E02 Title" for episodes, "Title (Year)" for movies.
    public var displayTitle: String {
        if let show = grandparentTitle, let season = parentIndex, let episode = index {
            let s = season < 10 ? "0\(season)" : "\(season)"
            let e = episode < 10 ? "0\(episode)" : "\(episode)"
            return "\(show) S\(s)E\(e) \(title)"
        }
        if let year { return "\(title) (\(year))" }
        return title
    }
}

/// One page of a section listing and the section's total, for paging.
public struct PlexItemPage: Sendable, Equatable {
    public let items: [PlexItem]
    public let offset: Int
    public let totalSize: Int
}
