/// The parts of TMDb's v3 answers the catalog uses, decoded with `convertFromSnakeCase`. Every field is
/// optional: TMDb leaves many out or sends null, and a missing field must not fail a whole answer.
public enum TMDb {
    /// `GET /search/movie`, `/search/tv`: one page of results.
    public struct Page<Item: Decodable & Sendable>: Decodable, Sendable {
        public var page: Int?
        public var results: [Item]?
        public var totalPages: Int?
        public var totalResults: Int?
    }

    /// A movie as search results and collection parts list it.
    public struct MovieSummary: Decodable, Sendable {
        public var id: Int
        public var title: String?
        public var originalTitle: String?
        public var overview: String?
        public var releaseDate: String?
        public var posterPath: String?
        public var backdropPath: String?
        public var voteAverage: Double?
        public var voteCount: Int?
        public var popularity: Double?
    }

    /// A show as search results list it.
    public struct ShowSummary: Decodable, Sendable {
        public var id: Int
        public var name: String?
        public var originalName: String?
        public var overview: String?
        public var firstAirDate: String?
        public var posterPath: String?
        public var backdropPath: String?
        public var voteAverage: Double?
        public var voteCount: Int?
        public var popularity: Double?
    }

    public struct Genre: Decodable, Sendable {
        public var id: Int
        public var name: String?
    }

    public struct CastMember: Decodable, Sendable {
        public var id: Int
        public var name: String?
        public var character: String?
        public var order: Int?
        public var profilePath: String?
    }

    public struct CrewMember: Decodable, Sendable {
        public var id: Int
        public var name: String?
        public var job: String?
        public var department: String?
        public var profilePath: String?
    }

    public struct Credits: Decodable, Sendable {
        public var cast: [CastMember]?
        public var crew: [CrewMember]?
    }

    public struct ExternalIDs: Decodable, Sendable {
        public var imdbId: String?
        public var tvdbId: Int?
    }

    public struct Video: Decodable, Sendable {
        public var key: String?
        public var site: String?
        public var type: String?
        public var official: Bool?
    }

    public struct Videos: Decodable, Sendable {
        public var results: [Video]?
    }

    /// `belongs_to_collection` of a movie.
    public struct CollectionReference: Decodable, Sendable {
        public var id: Int
        public var name: String?
        public var posterPath: String?
        public var backdropPath: String?
    }

    /// `GET /movie/{id}?append_to_response=credits,external_ids,videos`.
    public struct Movie: Decodable, Sendable {
        public var id: Int
        public var imdbId: String?
        public var title: String?
        public var originalTitle: String?
        public var originalLanguage: String?
        public var tagline: String?
        public var overview: String?
        public var releaseDate: String?
        public var runtime: Int?
        public var status: String?
        public var budget: Int64?
        public var revenue: Int64?
        public var posterPath: String?
        public var backdropPath: String?
        public var voteAverage: Double?
        public var voteCount: Int?
        public var popularity: Double?
        public var genres: [Genre]?
        public var belongsToCollection: CollectionReference?
        public var credits: Credits?
        public var externalIds: ExternalIDs?
        public var videos: Videos?
    }

    public struct Network: Decodable, Sendable {
        public var id: Int
        public var name: String?
        public var logoPath: String?
        public var originCountry: String?
    }

    /// A season as a show's details list it.
    public struct SeasonSummary: Decodable, Sendable {
        public var id: Int?
        public var seasonNumber: Int
        public var name: String?
        public var overview: String?
        public var airDate: String?
        public var episodeCount: Int?
        public var posterPath: String?
        public var voteAverage: Double?
    }

    /// `GET /tv/{id}?append_to_response=credits,external_ids,videos`.
    public struct Show: Decodable, Sendable {
        public var id: Int
        public var name: String?
        public var originalName: String?
        public var originalLanguage: String?
        public var tagline: String?
        public var overview: String?
        public var firstAirDate: String?
        public var lastAirDate: String?
        public var status: String?
        public var type: String?
        public var homepage: String?
        public var numberOfSeasons: Int?
        public var numberOfEpisodes: Int?
        public var episodeRunTime: [Int]?
        public var posterPath: String?
        public var backdropPath: String?
        public var voteAverage: Double?
        public var voteCount: Int?
        public var popularity: Double?
        public var genres: [Genre]?
        public var networks: [Network]?
        public var seasons: [SeasonSummary]?
        public var createdBy: [CrewMember]?
        public var credits: Credits?
        public var externalIds: ExternalIDs?
        public var videos: Videos?
    }

    /// An episode as season details list it, and `GET /tv/{id}/season/{n}/episode/{m}`.
    public struct Episode: Decodable, Sendable {
        public var id: Int?
        public var seasonNumber: Int?
        public var episodeNumber: Int
        public var name: String?
        public var overview: String?
        public var airDate: String?
        public var runtime: Int?
        public var stillPath: String?
        public var voteAverage: Double?
        public var voteCount: Int?
        public var productionCode: String?
        public var crew: [CrewMember]?
        public var guestStars: [CastMember]?
    }

    /// `GET /tv/{id}/season/{n}`.
    public struct Season: Decodable, Sendable {
        public var id: Int?
        public var seasonNumber: Int
        public var name: String?
        public var overview: String?
        public var airDate: String?
        public var posterPath: String?
        public var voteAverage: Double?
        public var episodes: [Episode]?
    }

    /// `GET /collection/{id}`.
    public struct Collection: Decodable, Sendable {
        public var id: Int
        public var name: String?
        public var overview: String?
        public var posterPath: String?
        public var backdropPath: String?
        public var parts: [MovieSummary]?
    }
}

extension TMDb.Videos {
    /// The YouTube trailer to link: an official one first, else any; nil when there is none.
    var trailerURL: String? {
        let trailers = (results ?? []).filter { $0.site == "YouTube" && $0.type == "Trailer" && $0.key.map(Self.isVideoKey) == true }
        guard let key = (trailers.first { $0.official == true } ?? trailers.first)?.key else { return nil }
        return "https://www.youtube.com/watch?v=\(key)"
    }

    /// A YouTube video id: letters, digits, `-` and `_`, so the link cannot carry anything else.
    static func isVideoKey(_ key: String) -> Bool {
        (1...32).contains(key.utf8.count) && key.utf8.allSatisfy { $0.isVideoKeyByte }
    }
}

extension UInt8 {
    fileprivate var isVideoKeyByte: Bool {
        (0x30...0x39).contains(self) || (0x41...0x5A).contains(self) || (0x61...0x7A).contains(self) || self == 0x2D || self == 0x5F
    }
}
