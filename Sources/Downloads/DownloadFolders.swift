import Core
public import HTTP

#if canImport(Glibc)
    import Glibc
#endif

/// Where a download may be written: the folder a request names (or the configured one), resolved
/// with every link followed, must be a folder inside one of the allowed roots (also resolved), so a
/// symbolic link cannot lead a download out of them. And how much room its file system has left.
public enum DownloadFolders {
    /// Longest `downloadPath` taken.
    public static let maxPathBytes = 1024

    /// `path` resolved, when it is an existing folder inside one of `roots`; otherwise a 400 that says why.
    public static func resolve(_ path: String, roots: [String]) throws(HTTPError) -> String {
        guard path.hasPrefix("/"), path.utf8.count <= maxPathBytes, !path.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
        else {
            throw HTTPError.badRequest("downloadPath must be an absolute path of at most \(maxPathBytes) bytes", detail: "downloadPath")
        }
        guard let real = realPath(path), isDirectory(real) else {
            throw HTTPError.badRequest("downloadPath is not an existing folder", detail: "downloadPath")
        }
        let resolvedRoots = roots.compactMap(realPath)
        guard resolvedRoots.contains(where: { contains($0, real) }) else {
            throw HTTPError.badRequest(
                "downloadPath must lie inside the download folder or a library root (links resolved)", detail: "downloadPath")
        }
        return real
    }

    /// Whether `path` is `root` or below it (both resolved).
    static func contains(_ root: String, _ path: String) -> Bool {
        path == root || path.hasPrefix(root == "/" ? "/" : root + "/")
    }

    /// The configured folder, made (with its parents) when missing, resolved; a 503 when it cannot be.
    public static func prepare(_ folder: String) throws(HTTPError) -> String {
        do {
            try FileSystem.makeDirectories(folder)
        } catch {
            throw HTTPError.unavailable("The download folder cannot be made: \(error)", code: "DOWNLOAD_FOLDER_UNAVAILABLE")
        }
        guard let real = realPath(folder), isDirectory(real) else {
            throw HTTPError.unavailable("The download folder is not a folder", code: "DOWNLOAD_FOLDER_UNAVAILABLE")
        }
        return real
    }

    /// Free bytes for an unprivileged writer on the file system holding `path`; nil when unknown.
    public static func freeBytes(_ path: String) -> UInt64? {
        var info = statvfs()
        guard statvfs(path, &info) == 0 else { return nil }
        return UInt64(info.f_bavail) * UInt64(info.f_frsize)
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    static func isDirectory(_ path: String) -> Bool { FileSystem.isDirectory(path) }

    /// Removes `path` and everything under it, without following links; errors are ignored (best effort).
    public static func removeTree(_ path: String) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        if (info.st_mode & S_IFMT) == S_IFDIR {
            for name in FileSystem.list(path) { removeTree(path + "/" + name) }
            rmdir(path)
        } else {
            unlink(path)
        }
    }
}
