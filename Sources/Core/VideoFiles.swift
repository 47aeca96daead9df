/// Which files are videos, by extension: the one list the catalog scanner and the thumbnail jobs
/// for chosen folders both read.
public enum VideoFiles {
    /// Video file extensions (lower case, no dot). Disc images (iso) are not played.
    public static let extensions: Set<String> = [
        "mkv", "mp4", "m4v", "avi", "mov", "wmv", "ts", "m2ts", "mpg", "mpeg", "webm", "flv", "ogv", "3gp", "vob", "divx",
    ]

    /// Whether `name` (a file name or path) ends in a video extension, in any case.
    public static func isVideo(_ name: some StringProtocol) -> Bool {
        guard let dot = name.lastIndex(of: "."), !name[name.index(after: dot)...].contains("/") else { return false }
        return extensions.contains(name[name.index(after: dot)...].lowercased())
    }
}
