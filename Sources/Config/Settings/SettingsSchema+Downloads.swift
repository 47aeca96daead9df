extension SettingsSchema {
    /// yt-dlp downloads (issue 17, seed 001's `/api/v1/youtube/*`): where files go, which yt-dlp runs,
    /// and the limits on how many, how often, how long and how little free disk space.
    static let downloadSettings: [SettingSpec] = [
        SettingSpec(
            "downloads", "folder", .path, "/media/downloads",
            "Folder downloads go to unless a request names another (made when missing); a request's downloadPath must lie under it or under a catalog.library_roots folder"
        ),
        SettingSpec("downloads", "yt_dlp_path", .path, "", "The yt-dlp executable (empty: the first yt-dlp on PATH)"),
        SettingSpec("downloads", "max_concurrent", .integer(1...16), 2, "Downloads running at once; later ones wait queued"),
        SettingSpec("downloads", "per_hour", .integer(1...1000), 5, "Downloads one user may start in an hour (001: 5); more get 429"),
        SettingSpec(
            "downloads", "min_free_mb", .integer(0...1_048_576), 1024,
            "Free space, in MiB, the target folder's file system must keep: a new download is refused (507) below it, a running one fails"),
        SettingSpec(
            "downloads", "timeout_min", .integer(1...1440), 120, "Longest a download may run, in minutes; then yt-dlp is stopped and it fails"),
    ]
}
