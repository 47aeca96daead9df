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
        "best": nil, "2160p": 2160, "1440p": 1440, "1080p": 1080, "720p": 720, "480p": 480, "360p": 360,
    ]
    /// Container formats: video ones merge into the container, audio ones extract the sound.
    public static let videoFormats: Set<String> = ["mp4", "webm", "mkv"]
    public static let audioFormats: Set<String> = ["mp3", "m4a", "opus"]

    /// yt-dlp's `-f` selector and the options that fit `quality` and `format` (400 for others).
    public static func formatOptions(quality: String, format: String) throws(HTTPError) -> [String] {
        if audioFormats.contains(format) {
            return ["-f", "bestaudio/best", "--extract-audio", "--audio-format", format]
        }
        guard videoFormats.contains(format) else {
            throw HTTPError.badRequest(
                "Unknown format '\(format.prefix(16))'", detail: "one of \((videoFormats.union(audioFormats)).sorted().joined(separator: ", "))")
        }
        guard let cap = qualities[quality] else {
            throw HTTPError.badRequest("Unknown quality '\(quality.prefix(16))'", detail: "one of \(qualities.keys.sorted().joined(separator: ", "))")
        }
        let limit = cap.map { "[height<=?\($0)]" } ?? ""
        return ["-f", "bestvideo\(limit)+bestaudio/best\(limit)", "--merge-output-format", format]
    }

    /// The progress line yt-dlp prints (`--newline --progress-template`): raw numbers, `NA` when unknown.
    public static let progressTemplate =
        "download:\(DownloadProgress.marker) %(progress.downloaded_bytes)s %(progress.total_bytes)s "
        + "%(progress.total_bytes_estimate)s %(progress.speed)s %(progress.eta)s"

    /// A download of `url` into `folder` (both already checked): `executable` first, the URL last after `--`.
    public static func download(executable: String, url: String, quality: String, format: String, folder: String) throws(HTTPError) -> [String] {
        [executable, "--newline", "--no-playlist", "--no-colors", "--restrict-filenames", "--no-part", "--progress-template", progressTemplate]
            + (try formatOptions(quality: quality, format: format))
            + ["-o", folder + "/%(title).120B [%(id)s].%(ext)s", "--", url]
    }

    /// The metadata of `url` as one JSON document (`yt-dlp -J`), without downloading it.
    public static func metadata(executable: String, url: String) -> [String] {
        [executable, "-J", "--no-playlist", "--no-colors", "--skip-download", "--", url]
    }
}
