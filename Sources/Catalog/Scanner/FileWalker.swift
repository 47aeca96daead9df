#if canImport(Glibc)
    import Glibc
#endif

/// A file the walk found: where it is, and what tells a later scan it is unchanged or moved.
struct FoundFile: Sendable, Equatable {
    var path: String
    /// The path below the library folder it was found in.
    var relativePath: String
    var size: Int64
    /// Unix milliseconds.
    var modified: Int64
    var device: Int64
    var inode: Int64
}

/// Walks a library's folders for media files without leaving the library roots: links are followed
/// only when they resolve inside a root, each directory is entered once (a link loop ends there),
/// depth and count are bounded, and every folder that cannot be read is reported, not fatal.
struct FileWalker {
    static let maximumDepth = 32
    static let maximumFiles = 1_000_000

    let roots: [String]
    let isCancelled: () -> Bool

    /// The files under `folder` that `ReleaseName` does not ignore, and the problems met on the way.
    func walk(_ folder: String) -> (files: [FoundFile], errors: [String]) {
        var files: [FoundFile] = []
        var errors: [String] = []
        var visited = Set<[Int64]>()
        var pending: [(path: String, relative: String, depth: Int)] = [(folder, "", 0)]
        var entered = 0
        while let (path, relative, depth) = pending.popLast() {
            // The cancel check reads the job's row: once per 64 folders, not per folder.
            if entered % 64 == 0, isCancelled() { break }
            entered += 1
            guard let identity = directoryIdentity(path), visited.insert(identity).inserted else { continue }
            guard let directory = opendir(path) else {
                errors.append("cannot read folder '\(path)': \(String(cString: strerror(errno)))")
                continue
            }
            defer { closedir(directory) }
            while let entry = readdir(directory) {
                let name = Self.name(of: entry)
                if name == "." || name == ".." { continue }
                let child = path + "/" + name
                let childRelative = relative.isEmpty ? name : relative + "/" + name
                guard child.utf8.count <= 4096 else {
                    errors.append("path too long: '\(child.prefix(200))…'")
                    continue
                }
                switch classify(child) {
                case .directory:
                    guard depth + 1 < Self.maximumDepth else {
                        errors.append("folder nested deeper than \(Self.maximumDepth) levels: '\(child)'")
                        continue
                    }
                    pending.append((child, childRelative, depth + 1))
                case .file(let info):
                    guard !ReleaseName.isIgnored(childRelative) else { continue }
                    guard files.count < Self.maximumFiles else {
                        errors.append("more than \(Self.maximumFiles) files; the rest are not scanned")
                        return (files, errors)
                    }
                    files.append(
                        FoundFile(
                            path: child, relativePath: childRelative, size: Int64(info.st_size),
                            modified: Int64(info.st_mtim.tv_sec) * 1000 + Int64(info.st_mtim.tv_nsec) / 1_000_000,
                            device: Int64(bitPattern: UInt64(info.st_dev)), inode: Int64(bitPattern: UInt64(info.st_ino))))
                case .outside:
                    errors.append("link leads outside the library roots, not followed: '\(child)'")
                case .other:
                    continue
                }
            }
        }
        return (files, errors)
    }

    enum Kind {
        case directory
        case file(stat)
        case outside
        case other
    }

    /// What `path` is; a link counts as what it points to when that lies inside a root.
    func classify(_ path: String) -> Kind {
        var info = stat()
        guard lstat(path, &info) == 0 else { return .other }
        if (info.st_mode & S_IFMT) == S_IFLNK {
            guard let target = LibraryFolders.resolve(path) else { return .other }  // dangling
            guard roots.contains(where: { LibraryFolders.contains(root: $0, target) }) else { return .outside }
            guard stat(target, &info) == 0 else { return .other }
        }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return .directory
        case S_IFREG: return .file(info)
        default: return .other  // FIFOs, sockets, devices are never opened
        }
    }

    func directoryIdentity(_ path: String) -> [Int64]? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return [Int64(bitPattern: UInt64(info.st_dev)), Int64(bitPattern: UInt64(info.st_ino))]
    }

    static func name(of entry: UnsafeMutablePointer<dirent>) -> String {
        withUnsafePointer(to: entry.pointee.d_name) { pointer in
            pointer.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
        }
    }
}
