import Core

#if canImport(Glibc)
    import Glibc
#endif

/// The files a person chose for a thumbnail job (`POST /api/jobs/manual`): absolute paths inside
/// the media roots, `..` resolved by the text alone, and folders expanded to the videos under them
/// (by `VideoFiles`' extensions, hidden entries and linked folders passed over), all bounded.
public enum ManualFiles {
    public static let maximumPaths = 500
    public static let maximumPathBytes = 4096
    /// Files a request's folders may expand to, and folders it may walk to find them.
    public static let maximumFiles = 5000
    public static let maximumFolders = 10_000
    static let maximumDepth = 32

    /// A chosen path refused: `index` is its place in the request's list (nil: the list as a whole).
    public struct Refusal: Error, Sendable, Equatable {
        public let index: Int?
        public let message: String
    }

    /// What the chosen paths come to: the files to look up in Plex, and those that cannot be made
    /// (not on disk, not a file), each with its reason.
    public struct Expansion: Sendable {
        public var files: [String] = []
        public var unusable: [(path: String, reason: String)] = []
    }

    /// `paths`, each checked and resolved: absolute, at most `maximumPathBytes`, no NUL, inside one
    /// of `roots` once `.` and `..` are resolved (a `..` past `/` stays at `/`). Pure: no disk.
    public static func resolve(_ paths: [String], roots: [String]) throws(Refusal) -> [String] {
        guard !paths.isEmpty, paths.count <= maximumPaths else {
            throw Refusal(index: nil, message: "file_paths: expected 1 to \(maximumPaths) paths")
        }
        let roots = roots.compactMap(normalize)
        return try paths.enumerated().map { (index, path) throws(Refusal) in
            guard path.utf8.count <= maximumPathBytes, !path.utf8.contains(0) else {
                throw Refusal(index: index, message: "file_paths[\(index)]: longer than \(maximumPathBytes) bytes or holds a NUL")
            }
            guard let resolved = normalize(path) else {
                throw Refusal(index: index, message: "file_paths[\(index)]: expected an absolute path, not '\(path.prefix(200))'")
            }
            guard roots.contains(where: { contains(root: $0, resolved) }) else {
                throw Refusal(
                    index: index,
                    message: "file_paths[\(index)]: '\(resolved.prefix(200))' is outside the media folders (\(roots.joined(separator: ", ")))")
            }
            return resolved
        }
    }

    /// `path` with empty and `.` segments dropped and each `..` taking the segment before it; nil
    /// when it is not absolute.
    public static func normalize(_ path: String) -> String? {
        guard path.hasPrefix("/") else { return nil }
        var segments: [Substring] = []
        for segment in path.split(separator: "/") {
            switch segment {
            case ".": continue
            case "..": _ = segments.popLast()
            default: segments.append(segment)
            }
        }
        return "/" + segments.joined(separator: "/")
    }

    /// Whether normalised `path` is `root` or lies under it, by whole segments.
    static func contains(root: String, _ path: String) -> Bool {
        root == "/" || path == root || path.hasPrefix(root + "/")
    }

    /// The resolved paths' files: a file as it is, a folder as the videos under it (sorted, hidden
    /// entries and linked files and folders passed over), a path that is neither as unusable. A path
    /// whose links lead outside `roots` (both sides with their links resolved) is refused. Blocks
    /// (stat, readdir, realpath): run it off Swift's cooperative pool.
    public static func expand(_ paths: [String], roots: [String]) throws(Refusal) -> Expansion {
        let realRoots = roots.compactMap { realPath($0) ?? normalize($0) }
        var expansion = Expansion()
        var seen = Set<String>()
        var folders = 0
        for (index, path) in paths.enumerated() {
            var info = stat()
            guard stat(path, &info) == 0 else {
                expansion.unusable.append((path, "not found on disk: \(String(cString: strerror(errno)))"))
                continue
            }
            if let real = realPath(path), !realRoots.contains(where: { contains(root: $0, real) }) {
                throw Refusal(
                    index: index, message: "file_paths[\(index)]: '\(path.prefix(200))' leads outside the media folders (to '\(real.prefix(200))')")
            }
            switch info.st_mode & S_IFMT {
            case S_IFREG:
                if seen.insert(path).inserted { expansion.files.append(path) }
            case S_IFDIR:
                for file in try videos(under: path, index: index, folders: &folders) where seen.insert(file).inserted {
                    expansion.files.append(file)
                }
            default:
                expansion.unusable.append((path, "not a file or folder"))
            }
            guard expansion.files.count <= maximumFiles else {
                throw Refusal(index: index, message: "file_paths[\(index)]: the folders hold more than \(maximumFiles) videos; choose fewer")
            }
        }
        return expansion
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    private static func videos(under folder: String, index: Int, folders: inout Int) throws(Refusal) -> [String] {
        var files: [String] = []
        var pending: [(path: String, depth: Int)] = [(folder, 0)]
        while let (path, depth) = pending.popLast() {
            folders += 1
            guard folders <= maximumFolders else {
                throw Refusal(index: index, message: "file_paths[\(index)]: more than \(maximumFolders) folders to walk; choose fewer")
            }
            guard let directory = opendir(path) else { continue }
            defer { closedir(directory) }
            while let entry = readdir(directory) {
                let name = withUnsafePointer(to: entry.pointee.d_name) { pointer in
                    pointer.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
                }
                guard !name.hasPrefix(".") else { continue }
                let child = (path == "/" ? "" : path) + "/" + name
                guard child.utf8.count <= maximumPathBytes else { continue }
                var info = stat()
                guard lstat(child, &info) == 0 else { continue }
                switch info.st_mode & S_IFMT {
                case S_IFDIR where depth + 1 < maximumDepth:
                    pending.append((child, depth + 1))
                case S_IFREG where VideoFiles.isVideo(name):
                    files.append(child)
                    guard files.count <= maximumFiles else {
                        throw Refusal(index: index, message: "file_paths[\(index)]: the folders hold more than \(maximumFiles) videos; choose fewer")
                    }
                default:
                    continue
                }
            }
        }
        return files.sorted()
    }
}
