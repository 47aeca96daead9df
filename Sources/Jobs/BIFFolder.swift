import Core

#if canImport(Glibc)
    import Glibc
#endif

/// The one folder a worker's helper may write: `<plex_config_folder>/Media/localhost`, where every BIF
/// bundle lives. Created here, before the helper starts (Landlock needs it to exist), with the owner
/// and group of the Plex data folder, as the helper gives the bundle folders beneath it.
enum BIFFolder {
    static func prepare(plexConfigFolder: String) throws(SystemError) -> String {
        var owner = stat()
        guard stat(plexConfigFolder, &owner) == 0 else { throw SystemError(code: errno, call: "stat", subject: plexConfigFolder) }
        guard (owner.st_mode & S_IFMT) == S_IFDIR else { throw SystemError(code: ENOTDIR, call: "stat", subject: plexConfigFolder) }
        var directory = plexConfigFolder == "/" ? "" : plexConfigFolder
        for segment in ["Media", "localhost"] {
            directory += "/" + segment
            if mkdir(directory, 0o755) == 0 {
                if owner.st_uid != geteuid() || owner.st_gid != getegid() { _ = chown(directory, owner.st_uid, owner.st_gid) }
            } else if errno != EEXIST {
                throw SystemError(code: errno, call: "mkdir", subject: directory)
            }
        }
        return directory
    }
}
