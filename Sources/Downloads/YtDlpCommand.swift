public import HTTP

/// The argument vectors the daemon hands yt-dlp (issue 17's downloads): built as arrays for a direct
/// spawn (no shell), with `--` before the URL so a URL can never be read as an option, and only
/// `http`/`https` URLs taken. Pure: spawning, limits and the job table are the download service's.
public enum YtDlpCommand {
    /// Longest URL taken.
    public static let maxURLBytes = 2048

    /// `text` as a URL yt-dlp may fetch, or a 400: `http`/`https` with a host, no spaces or control
    /// characters (so neither `--exec=…` nor `file:///etc/passwd` gets through).
    public static func validatedURL(_ text: String) throws(HTTPError) -> String {
        let trimmed = String(text.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
        guard !trimmed.isEmpty, trimmed.utf8.count <= maxURLBytes else {
            throw HTTPError.badRequest("A URL of 1 to \(maxURLBytes) bytes is required", detail: "url")
        }
        guard !trimmed.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }) else {
            throw HTTPError.badRequest("The URL may not contain spaces or control characters", detail: "url")
        }
        let lowered = trimmed.lowercased()
        let rest: Substring
        if lowered.hasPrefix("https://") {
            rest = trimmed.dropFirst(8)
        } else if lowered.hasPrefix("http://") {
            rest = trimmed.dropFirst(7)
        } else {
            throw HTTPError.badRequest("Only http and https URLs can be downloaded", detail: "url")
        }
        let host = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !host.isEmpty, !host.hasPrefix("@"), !host.hasPrefix(":") else {
            throw HTTPError.badRequest("The URL has no host", detail: "url")
        }
        return trimmed
    }

    /// The qualities 001 names and the height each caps (nil: the best there is).
    public static let qualities: [String: Int?] = [
        "best": nil, "audio": nil, "2160p": 2160, "1440p": 1440, "1080p": 1080, "720p": 720, "480p": 480, "360p": 360,
    ]
    /// Container formats: video ones merge into the container, audio ones extract the sound.
    public static let videoFormats: Set<String> = ["mp4", "webm", "mkv"]
    public static let audioFormats: Set<String> = ["mp3", "m4a", "opus"]

    /// yt-dlp's `-f` selector and the options that fit `quality` and `format` (400 for others): an
    /// audio format (or the quality `audio`) extracts the sound, a video one merges into that container.
    public static func formatOptions(quality: String, format: String) throws(HTTPError) -> [String] {
        guard let cap = qualities[quality] else {
            throw HTTPError.badRequest("Unknown quality '\(quality.prefix(16))'", detail: "one of \(qualities.keys.sorted().joined(separator: ", "))")
        }
        guard videoFormats.contains(format) || audioFormats.contains(format) else {
            throw HTTPError.badRequest(
                "Unknown format '\(format.prefix(16))'", detail: "one of \((videoFormats.union(audioFormats)).sorted().joined(separator: ", "))")
        }
        if audioFormats.contains(format) {
            return ["-f", "bestaudio/best", "--extract-audio", "--audio-format", format]
        }
        guard quality != "audio" else {
            throw HTTPError.badRequest("The quality 'audio' takes an audio format", detail: "one of \(audioFormats.sorted().joined(separator: ", "))")
        }
        let limit = cap.map { "[height<=?\($0)]" } ?? ""
        return ["-f", "bestvideo\(limit)+bestaudio/best\(limit)", "--merge-output-format", format]
    }

    /// The progress line yt-dlp prints (`--newline --progress-template`): raw numbers, `NA` when unknown.
    public static let progressTemplate =
        "download:\(DownloadProgress.marker) %(progress.downloaded_bytes)s %(progress.total_bytes)s "
        + "%(progress.total_bytes_estimate)s %(progress.speed)s %(progress.eta)s"

    /// Starts the line yt-dlp prints with the title, before the download.
    static let titleMarker = "[applianced-title]"
    /// Starts the line yt-dlp prints with the finished file's path, after moving it into `folder`.
    static let fileMarker = "[applianced-file]"

    /// A download of `url` into `folder` (both already checked), its partial files (`.part`, `.ytdl`,
    /// fragments) in `staging` until the end: `executable` first, the URL last after `--`. No config
    /// file is read (a user's yt-dlp config cannot add options), no command is run (`--no-exec`), file
    /// names are ASCII without spaces (`--restrict-filenames`), and only the video itself is fetched.
    public static func download(
        executable: String, url: String, quality: String, format: String, folder: String, staging: String? = nil
    ) throws(HTTPError) -> [String] {
        [
            executable, "--ignore-config", "--no-exec", "--newline", "--no-playlist", "--no-colors", "--restrict-filenames", "--no-mtime",
            "--no-cache-dir", "--progress", "--progress-template", progressTemplate,
            "--print", "before_dl:\(titleMarker) %(title)s", "--print", "after_move:\(fileMarker) %(filepath)s",
        ]
            + (try formatOptions(quality: quality, format: format))
            + ["-P", "home:" + folder, "-P", "temp:" + (staging ?? folder), "-o", "%(title).100B-%(id).40B.%(ext)s", "--", url]
    }

    /// The metadata of `url` as one JSON document (`yt-dlp -J`), without downloading it.
    public static func metadata(executable: String, url: String) -> [String] {
        [executable, "-J", "--no-playlist", "--no-colors", "--skip-download", "--", url]
    }
}
