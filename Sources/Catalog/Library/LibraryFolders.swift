#if canImport(Glibc)
    import Glibc
#endif

/// Checks a library's folders: absolute, existing directories that lie, once links are resolved,
/// under one of the configured library roots. The resolved paths are what the catalog keeps, so a
/// link swapped later cannot lead a scan outside the roots.
enum LibraryFolders {
    static let maximumCount = 16
    static let maximumBytes = 4096

    /// The resolved folders, in the order given, without duplicates; a refusal names the folder.
    static func validate(_ paths: [String], roots: [String]) throws(CatalogError) -> [String] {
        guard !paths.isEmpty else { throw .invalid(field: "paths", reason: "A library needs at least one folder") }
        guard paths.count <= maximumCount else { throw .invalid(field: "paths", reason: "A library has at most \(maximumCount) folders") }
        let resolvedRoots = roots.compactMap(resolve)
        var folders: [String] = []
        for path in paths {
            guard path.hasPrefix("/"), path.utf8.count <= maximumBytes, !path.utf8.contains(0) else {
                throw .invalid(field: "paths", reason: "'\(path.prefix(200))' is not an absolute path of at most \(maximumBytes) bytes")
            }
            guard let resolved = resolve(path), isDirectory(resolved) else {
                throw .invalid(field: "paths", reason: "'\(path.prefix(200))' is not an existing folder")
            }
            guard resolvedRoots.contains(where: { contains(root: $0, resolved) }) else {
                throw .invalid(
                    field: "paths",
                    reason: "'\(path.prefix(200))' is outside the library roots (\(roots.joined(separator: ", "))); see catalog.library_roots")
            }
            if !folders.contains(resolved) { folders.append(resolved) }
        }
        return folders
    }

    /// Whether `path` is `root` or lies below it.
    static func contains(root: String, _ path: String) -> Bool {
        path == root || path.hasPrefix(root == "/" ? "/" : root + "/")
    }

    /// `realpath(3)`; nil when the path does not exist.
    static func resolve(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }
}
