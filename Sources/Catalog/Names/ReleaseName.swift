import Core

/// A movie as its path names it: what the scanner searches TMDb with, and shows until metadata arrives.
public struct ParsedMovie: Sendable, Equatable {
    /// The title, cleaned: dots and underscores are spaces, release junk and tags are dropped, ends trimmed.
    public var title: String
    public var year: Int?
    /// From a `{tmdb-123}`, `[tmdbid-123]` or `{tmdbid=123}` tag in the file or movie folder name.
    public var tmdbID: Int?
    /// From an `{imdb-tt0133093}` or `[imdbid-tt0133093]` tag.
    public var imdbID: String?
    /// From an `{edition-Director's Cut}` tag.
    public var edition: String?
    /// "2160p", "1080p", "720p", "576p" or "480p" when the name says so.
    public var resolution: String?

    /// A movie with the given parts; the parser builds these, tests compare against them.
    public init(
        title: String, year: Int? = nil, tmdbID: Int? = nil, imdbID: String? = nil, edition: String? = nil, resolution: String? = nil
    ) {
        self.title = title
        self.year = year
        self.tmdbID = tmdbID
        self.imdbID = imdbID
        self.edition = edition
        self.resolution = resolution
    }
}

/// An episode file as its path names it. One file may hold several episodes (S01E01E02, S01E01-E03, 1x01-1x02).
public struct ParsedEpisode: Sendable, Equatable {
    public var seriesTitle: String
    public var seriesYear: Int?
    public var tmdbID: Int?
    /// From a `{tvdb-12345}` or `[tvdbid-12345]` tag.
    public var tvdbID: Int?
    /// 0 for specials (a "Specials" folder, S00); the air year for a daily show.
    public var season: Int
    /// Ascending, at least one. A daily show's episode is month × 100 + day (1 March is 301).
    public var episodes: [Int]
    public var episodeTitle: String?
    /// "2024-03-01" for a daily show named by date.
    public var airDate: String?
    public var resolution: String?

    /// An episode with the given parts; the parser builds these, tests compare against them.
    public init(
        seriesTitle: String, seriesYear: Int? = nil, tmdbID: Int? = nil, tvdbID: Int? = nil, season: Int, episodes: [Int],
        episodeTitle: String? = nil, airDate: String? = nil, resolution: String? = nil
    ) {
        self.seriesTitle = seriesTitle
        self.seriesYear = seriesYear
        self.tmdbID = tmdbID
        self.tvdbID = tvdbID
        self.season = season
        self.episodes = episodes
        self.episodeTitle = episodeTitle
        self.airDate = airDate
        self.resolution = resolution
    }
}

/// Reads movies and episodes out of paths relative to a library folder, named the way Sonarr, Radarr and
/// Plex name them. Pure logic: it never touches the disk, and any string in gives a value or nil out.
public enum ReleaseName {
    /// Video file extensions the scanner considers (`VideoFiles`, which the jobs for chosen folders read too).
    public static let videoExtensions: Set<String> = VideoFiles.extensions

    /// Longer paths are not names anyone gave a file; they are refused rather than parsed.
    static let maximumPathBytes = 4096
    /// Deeper paths are refused for the same reason.
    static let maximumComponents = 64

    /// Whether a relative path is something the catalog skips: an extra, sample or trailer (by folder or
    /// file name, or a Plex `-trailer` style suffix), a hidden or NAS system file or folder, or not a video.
    public static func isIgnored(_ relativePath: String) -> Bool {
        guard let components = components(of: relativePath), let file = components.last else { return true }
        guard let fileExtension = fileExtension(of: file), videoExtensions.contains(fileExtension) else { return true }
        return components.dropLast().contains(where: ExtraNames.isIgnoredFolder) || ExtraNames.isIgnoredFile(file)
    }

    /// The movie a path names, or nil when it names nothing usable. The file name wins; a junk file name
    /// ("movie.mkv", "CD1", a scene hash) falls back to the nearest folder that names something. The movie
    /// folder above a named file lends its year and tags when its title agrees with the file's.
    public static func movie(_ relativePath: String) -> ParsedMovie? {
        guard let components = components(of: relativePath), let file = components.last else { return nil }
        let names = [stem(of: file)] + components.dropLast().reversed()
        let parsed = names.map(NameParts.init(parsing:))
        guard let sourceIndex = parsed.firstIndex(where: { !$0.isPlaceholder }) else { return nil }
        var source = parsed[sourceIndex]
        if sourceIndex == 0, let folder = parsed.dropFirst().first(where: { !$0.isPlaceholder }),
            NameText.titlesAgree(source.title, folder.title)
        {
            source.adoptGaps(from: folder)
        }
        let resolution = source.resolution ?? parsed[0].resolution
        let tags = source.tags
        return ParsedMovie(
            title: source.title, year: source.year, tmdbID: tags.tmdbID, imdbID: tags.imdbID, edition: tags.edition,
            resolution: resolution)
    }

    /// The episode or episodes a path names, or nil. The series comes from the folder above a season folder
    /// ("Show (2010)/Season 01/…"), else from the file name before its SxxEyy marker, else from the parent folder.
    public static func episode(_ relativePath: String) -> ParsedEpisode? {
        guard let components = components(of: relativePath), let file = components.last else { return nil }
        let folders = Array(components.dropLast())
        let folderSeason = folders.last.flatMap(EpisodeMarker.seasonNumber(folder:))
        let (text, fileTags) = NameTags.extract(from: stem(of: file))
        let bytes = Array(text.utf8)
        guard let marker = EpisodeMarker.find(in: bytes) ?? folderSeason.flatMap({ EpisodeMarker.episodeOnly(in: bytes, season: $0) })
        else { return nil }

        var fromFile = NameParts(parsing: String(decoding: bytes[..<marker.bytes.lowerBound], as: UTF8.self))
        fromFile.tags = fileTags
        let seriesFolder = folderSeason == nil ? folders.last : folders.dropLast().last
        let series = seriesParts(fromFile: fromFile, folder: seriesFolder.map(NameParts.init(parsing:)), nested: folderSeason != nil)
        guard !series.title.isEmpty else { return nil }

        let resolution = ([stem(of: file)] + folders.reversed()).lazy.compactMap(NameText.resolution(in:)).first
        let suffix = String(decoding: bytes[marker.bytes.upperBound...], as: UTF8.self)
        return ParsedEpisode(
            seriesTitle: series.title, seriesYear: series.year, tmdbID: series.tags.tmdbID, tvdbID: series.tags.tvdbID,
            season: marker.season, episodes: marker.episodes, episodeTitle: NameText.episodeTitle(suffix), airDate: marker.airDate,
            resolution: resolution)
    }

    /// A title for sorting: lowercased, a leading "the ", "a " or "an " dropped ("The Matrix" → "matrix").
    public static func sortTitle(_ title: String) -> String {
        let lower = NameText.trimmed(title.lowercased())
        for article in ["the ", "a ", "an "] where lower.hasPrefix(article) {
            let rest = NameText.trimmed(lower.dropFirst(article.count))
            if !rest.isEmpty { return rest }
        }
        return lower
    }

    // MARK: Paths

    /// The non-empty components of a path, or nil when it is empty, too long or too deep.
    static func components(of path: String) -> [Substring]? {
        guard path.utf8.count <= maximumPathBytes else { return nil }
        let components = path.split(separator: "/")
        guard !components.isEmpty, components.count <= maximumComponents else { return nil }
        return components
    }

    /// The lowercased text after a file name's last dot, or nil when there is none.
    static func fileExtension(of name: Substring) -> String? {
        guard let dot = name.lastIndex(of: ".") else { return nil }
        let fileExtension = name[name.index(after: dot)...]
        return fileExtension.isEmpty ? nil : fileExtension.lowercased()
    }

    /// A file name without its video extension; other names are returned whole, since their last dot
    /// may be a separator ("Show.S01E02").
    static func stem(of name: Substring) -> Substring {
        guard let fileExtension = fileExtension(of: name), videoExtensions.contains(fileExtension),
            let dot = name.lastIndex(of: ".")
        else { return name }
        return name[..<dot]
    }

    /// The series as the file and folder name it: the folder wins when it sits above a season folder,
    /// when the file names no series, or when both name the same one; the other fills what it lacks.
    private static func seriesParts(fromFile: NameParts, folder: NameParts?, nested: Bool) -> NameParts {
        guard var folder, !folder.title.isEmpty,
            nested || fromFile.title.isEmpty || NameText.titlesAgree(fromFile.title, folder.title)
        else { return fromFile }
        folder.adoptGaps(from: fromFile)
        return folder
    }
}

/// The names of what the catalog skips: extras and samples (Plex's folder names and file suffixes),
/// and the system folders NAS boxes leave in shares.
enum ExtraNames {
    /// Folder or file names (lowercased, separators as spaces) of extras.
    static let extras: Set<String> = [
        "sample", "samples", "trailer", "trailers", "extras", "featurette", "featurettes", "behind the scenes", "behindthescenes",
        "deleted scenes", "deletedscenes", "interview", "interviews", "scenes", "shorts", "other", "bonus",
    ]
    /// Plex's extra suffixes: "Alien (1979)-trailer.mkv".
    static let suffixes = ["-trailer", "-sample", "-featurette", "-behindthescenes", "-deleted", "-interview", "-scene", "-short", "-other"]
    /// Synology, QNAP and desktop system folders (hidden ones start with a dot and are skipped anyway).
    static let systemFolders: Set<String> = ["@eadir", "#recycle", "#snapshot", "$recycle.bin", "lost+found", "system volume information"]

    /// Whether a folder is hidden, a system folder or an extras folder.
    static func isIgnoredFolder(_ name: Substring) -> Bool {
        name.hasPrefix(".") || systemFolders.contains(name.lowercased()) || extras.contains(key(name))
    }

    /// Whether a file is hidden or an extra by its name ("trailer.mkv", "Alien-trailer.mkv", "group-alien.sample.mkv").
    static func isIgnoredFile(_ name: Substring) -> Bool {
        let stem = ReleaseName.stem(of: name)
        let key = key(stem)
        return name.hasPrefix(".") || key.isEmpty || extras.contains(key) || key.hasSuffix(" sample")
            || suffixes.contains { stem.lowercased().hasSuffix($0) }
    }

    /// A name lowercased with dots, underscores and dashes as single spaces, for comparing with `extras`.
    private static func key(_ name: Substring) -> String {
        let spaced = name.lowercased().map { ".-_".contains($0) ? " " : $0 }
        return String(spaced).split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
