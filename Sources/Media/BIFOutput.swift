public import Core
public import Previews

#if canImport(Glibc)
    import Glibc
#endif

/// Puts a BIF where Plex looks for it: atomically (temp file + rename), with the bundle directories
/// created as needed and given the owner and group of the Plex data folder (where permitted).
public enum BIFOutput {
    /// Writes `bif` to the bundle's `index-sd.bif`.
    public static func write(_ bif: [UInt8], to bundle: PlexBundlePath) throws(SystemError) {
        var owner = stat()
        guard stat(bundle.plexConfigFolder, &owner) == 0 else { throw SystemError(code: errno, call: "stat", subject: bundle.plexConfigFolder) }
        guard (owner.st_mode & S_IFMT) == S_IFDIR else { throw SystemError(code: ENOTDIR, call: "stat", subject: bundle.plexConfigFolder) }
        let relative = bundle.indexesDirectory.dropFirst(bundle.plexConfigFolder == "/" ? 0 : bundle.plexConfigFolder.count)
        var directory = bundle.plexConfigFolder == "/" ? "" : bundle.plexConfigFolder
        for segment in relative.split(separator: "/") {
            directory += "/" + segment
            if mkdir(directory, 0o755) == 0 {
                giveOwnership(directory, like: owner)
            } else if errno != EEXIST {
                throw SystemError(code: errno, call: "mkdir", subject: directory)
            }
        }
        try write(bif, toPath: bundle.bifPath)
        giveOwnership(bundle.bifPath, like: owner)
    }

    /// Writes `bif` to any path atomically (the `bif` command's `-o`).
    public static func write(_ bif: [UInt8], toPath path: String) throws(SystemError) {
        try FileSystem.writeAtomically(path, bif, mode: 0o644)
    }

    /// chown to the Plex folder's owner and group; an unprivileged daemon that is not that user keeps
    /// its own (EPERM), which is fine when it already runs as Plex's user.
    private static func giveOwnership(_ path: String, like owner: stat) {
        if owner.st_uid != geteuid() || owner.st_gid != getegid() {
            _ = chown(path, owner.st_uid, owner.st_gid)
        }
    }
}
