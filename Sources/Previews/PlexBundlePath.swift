/// Where Plex keeps a media part's seek previews:
/// `<plex_config_folder>/Media/localhost/<h[0]>/<h[1:]>.bundle/Contents/Indexes/index-sd.bif`.
public struct PlexBundlePath: Sendable, Equatable {
    /// The media part hash (40 lowercase hex digits, a SHA-1).
    public let hash: String
    /// The "Plex Media Server" data folder.
    public let plexConfigFolder: String

    /// Validates `hash` (40 hex digits, any case; kept lowercase) and builds the path.
    public init(plexConfigFolder: String, hash: String) throws(PlexBundlePathError) {
        guard !plexConfigFolder.isEmpty else { throw .emptyConfigFolder }
        let lower = hash.lowercased()
        guard lower.utf8.count == 40, lower.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
            throw .invalidHash(String(hash.prefix(64)))
        }
        self.hash = lower
        var folder = plexConfigFolder
        while folder.count > 1 && folder.hasSuffix("/") { folder.removeLast() }
        self.plexConfigFolder = folder
    }

    /// `…/Media/localhost/9/f0965f….bundle`
    public var bundleDirectory: String {
        let base = plexConfigFolder == "/" ? "" : plexConfigFolder
        return "\(base)/Media/localhost/\(hash.prefix(1))/\(hash.dropFirst()).bundle"
    }

    /// `…bundle/Contents/Indexes`
    public var indexesDirectory: String { bundleDirectory + "/Contents/Indexes" }

    /// `…/Indexes/index-sd.bif`
    public var bifPath: String { indexesDirectory + "/index-sd.bif" }
}

/// A media part hash or data folder Plex could not have given.
public enum PlexBundlePathError: Error, CustomStringConvertible, Equatable, Sendable {
    case invalidHash(String)
    case emptyConfigFolder

    public var description: String {
        switch self {
        case .invalidHash(let hash): "media part hash '\(hash)' is not 40 hex digits"
        case .emptyConfigFolder: "the Plex data folder is empty"
        }
    }
}
