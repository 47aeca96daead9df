extension SettingsSchema {
    /// The appliance's settings: 000's first (Plex, thumbnails, workers), then the daemon's own tables.
    public static let standard = SettingsSchema(
        plexSettings + daemonSettings + alertSettings + integrationSettings + webhookSettings + authSettings + emailSettings
            + catalogSettings + stashSettings + analysisSettings + downloadSettings)

    static let plexSettings: [SettingSpec] = [
        SettingSpec("plex", "url", .url, "", "Address of the Plex Media Server, e.g. http://192.168.1.100:32400", aliases: ["plex_url"]),
        SettingSpec("plex", "token", .string, "", "Plex authentication token (X-Plex-Token)", secret: true, aliases: ["plex_token"]),
        SettingSpec("plex", "name", .string, "", "Name of the Plex server chosen during setup", aliases: ["plex_name"], maxBytes: 256),
        SettingSpec(
            "plex", "config_folder", .path, "/var/lib/plexmediaserver/Library/Application Support/Plex Media Server",
            "Plex data folder; preview thumbnails are written under its Media/localhost", aliases: ["plex_config_folder"]),
        SettingSpec(
            "plex", "selected_libraries", .stringList, .array([]), "Plex library section ids to generate thumbnails for (empty: all)",
            aliases: ["selected_libraries"]),
        SettingSpec(
            "plex", "media_path", .path, "/media", "Folder where the media files are mounted on this box",
            aliases: ["media_path", "media_dir"]),
        SettingSpec(
            "plex", "videos_path_mapping", .string, "", "Path prefix of the media as Plex sees it (mapped to local_videos_path_mapping)",
            aliases: ["plex_videos_path_mapping"]),
        SettingSpec(
            "plex", "local_videos_path_mapping", .string, "", "Local path prefix that replaces videos_path_mapping",
            aliases: ["plex_local_videos_path_mapping"]),
        SettingSpec("plex", "request_timeout_s", .integer(1...300), 10, "Timeout of a request to the Plex Media Server, in seconds"),
        SettingSpec("plextv", "base_url", .url, "https://plex.tv", "Base URL of plex.tv (sign-in PINs, server list)"),
        SettingSpec("plextv", "request_timeout_s", .integer(1...300), 15, "Timeout of a request to plex.tv, in seconds"),
        SettingSpec("thumbnails", "interval", .integer(1...60), 10, "Seconds between two preview thumbnails", aliases: ["thumbnail_interval"]),
        SettingSpec(
            "thumbnails", "quality", .integer(1...10), 4, "JPEG quality of thumbnails, 1 (best) to 10 (smallest)",
            aliases: ["thumbnail_quality"]),
        SettingSpec("workers", "gpu_threads", .integer(0...32), 1, "Thumbnail workers per GPU (0: none on the GPU)", aliases: ["gpu_threads"]),
        SettingSpec("workers", "cpu_threads", .integer(0...32), 2, "Thumbnail workers on the CPU (0: none)", aliases: ["cpu_threads"]),
        SettingSpec(
            "workers", "idle_exit_s", .integer(0...3600), 30,
            "Seconds a worker's media helper process stays after its last item (0: ends after each item)"),
        SettingSpec(
            "workers", "media_helper", .path, "",
            "The applianced-media executable (empty: the one next to the daemon's own executable)"),
        SettingSpec(
            "jobs", "history_days", .integer(1...3650), 90,
            "Days a finished job (completed, failed or cancelled) and its per-file results are kept"),
        SettingSpec(
            "jobs", "history_max", .integer(100...1_000_000), 10_000,
            "The most finished jobs kept; past it the oldest go first, with their per-file results"),
    ]

    static let daemonSettings: [SettingSpec] = [
        SettingSpec("server", "listen", .string, "0.0.0.0", "Address the HTTP server listens on", restart: true, maxBytes: 256),
        SettingSpec("server", "port", .integer(1...65535), 8080, "TCP port of the HTTP server", restart: true),
        SettingSpec("server", "threads", .integer(1...64), 2, "HTTP event loops, each a thread serving many connections", restart: true),
        SettingSpec(
            "server", "access_log", .choice(["all", "errors", "off"]), "all",
            "Requests that get an access-log line: all, errors (400 and up), off; server errors and slow requests always do",
            restart: true),
        SettingSpec(
            "server", "log_health_checks", .bool, false,
            "Log successful health checks (/api/health, /livez, /readyz) too; a router polling every 5 s writes 17,000 lines a day",
            restart: true),
        SettingSpec("server", "www_root", .path, "/usr/share/applianced/www", "Folder with the setup wizard and dashboard pages", restart: true),
        SettingSpec("server", "domain", .string, "applianced.local", "Host name people use to reach the box", aliases: ["domain"], maxBytes: 256),
        SettingSpec(
            "server", "allowed_hosts", .stringList, .array([]),
            "More host names the setup routes answer for before setup is complete (IP addresses, localhost, the box's name, "
                + "*.local and server.domain always are); *.example.com allows its subdomains"),
        SettingSpec(
            "server", "log_level", .choice(["error", "warning", "info", "debug"]), "info",
            "Least severe log lines written to the journal (debug adds the start-up timeline)"),
        SettingSpec("storage", "downloads_dir", .path, "/srv/downloads", "Folder the download clients write to", aliases: ["downloads_dir"]),
        SettingSpec("limits", "max_body_bytes", .integer(1024...67_108_864), 1_048_576, "Largest request body accepted, in bytes", restart: true),
        SettingSpec(
            "limits", "max_header_bytes", .integer(1024...1_048_576), 16384, "Largest request header block accepted, in bytes",
            restart: true),
        SettingSpec("limits", "max_connections", .integer(1...10000), 256, "Most open HTTP connections", restart: true),
        SettingSpec(
            "limits", "max_connections_per_ip", .integer(1...10000), 64, "Most open HTTP connections from one address",
            restart: true),
        SettingSpec(
            "limits", "max_request_line_bytes", .integer(256...65536), 8192, "Longest HTTP request line accepted, in bytes", restart: true),
        SettingSpec("limits", "max_header_count", .integer(8...1000), 100, "Most header fields in an HTTP request", restart: true),
        SettingSpec(
            "limits", "head_timeout_s", .integer(1...300), 10, "Seconds a whole HTTP request head may take to arrive (408 past it)",
            restart: true),
        SettingSpec(
            "limits", "min_body_rate_bytes", .integer(1...1_073_741_824), 4096,
            "Slowest request body accepted, in bytes per second, after head_timeout_s of grace (408 past it)", restart: true),
        SettingSpec(
            "limits", "connection_timeout_s", .integer(1...3600), 30,
            "Seconds a keep-alive HTTP connection may stay idle, or a client may stop reading our answer", restart: true),
        SettingSpec("limits", "handler_timeout_s", .integer(1...3600), 60, "Longest time a request handler may run, in seconds"),
        SettingSpec("limits", "pause_while_streaming", .bool, false, "Pause thumbnail workers while Plex is streaming to someone"),
        SettingSpec("limits", "worker_nice", .integer(0...19), 19, "CPU nice level of thumbnail workers"),
        SettingSpec("limits", "worker_idle_io", .bool, true, "Run thumbnail workers at idle I/O priority"),
        SettingSpec(
            "limits", "worker_memory_mb", .integer(32...65536), 256,
            "Memory budget of each media helper process, in MiB (RLIMIT_DATA and RLIMIT_AS); an item over it fails"),
        SettingSpec(
            "limits", "worker_item_cpu_s", .integer(1...86400), 900,
            "CPU time one media file may take in a media helper, in seconds (RLIMIT_CPU); an item over it fails"),
        SettingSpec("monitoring", "sample_interval_s", .integer(1...60), 1, "Seconds between two samples of CPU, memory, disks and network"),
        SettingSpec("monitoring", "minute_history_hours", .integer(1...720), 168, "Hours of per-minute history kept"),
        SettingSpec("monitoring", "hour_history_days", .integer(1...3650), 365, "Days of per-hour history kept"),
        SettingSpec("monitoring", "metrics_public", .bool, false, "Serve the metrics endpoint without a token"),
        SettingSpec("hardware", "show_virtual_disks", .bool, false, "List loop, RAM and other virtual disks"),
        SettingSpec(
            "services", "restartable", .stringList, .array(["plexmediaserver.service"]), "System units the API may restart",
            aliases: ["services"]),
    ]

    static let alertSettings: [SettingSpec] = [
        SettingSpec("alerts", "cpu_warning_percent", .integer(1...100), 85, "CPU use that raises a warning, in percent"),
        SettingSpec("alerts", "cpu_critical_percent", .integer(1...100), 95, "CPU use that raises a critical alert, in percent"),
        SettingSpec("alerts", "memory_warning_percent", .integer(1...100), 85, "Memory use that raises a warning, in percent"),
        SettingSpec("alerts", "memory_critical_percent", .integer(1...100), 95, "Memory use that raises a critical alert, in percent"),
        SettingSpec("alerts", "disk_warning_percent", .integer(1...100), 85, "Disk use that raises a warning, in percent"),
        SettingSpec("alerts", "disk_critical_percent", .integer(1...100), 95, "Disk use that raises a critical alert, in percent"),
        SettingSpec("alerts", "temperature_warning_c", .integer(20...150), 80, "Temperature that raises a warning, in °C"),
        SettingSpec("alerts", "temperature_critical_c", .integer(20...150), 95, "Temperature that raises a critical alert, in °C"),
        SettingSpec("alerts", "hysteresis_percent", .integer(0...50), 5, "How far a value must fall below a threshold to clear its alert"),
        SettingSpec("alerts", "notify_email", .bool, false, "Send alerts by e-mail (002's notifications.email)"),
        SettingSpec("alerts", "notify_desktop", .bool, true, "Push alerts to dashboard clients (002's notifications.desktop)"),
        SettingSpec(
            "alerts", "min_level", .choice(["info", "warning", "error"]), "warning",
            "Alerts below this level are listed but not pushed to notification subscribers"),
    ]

    static let integrationDefaults: [(name: String, title: String, url: String)] = [
        ("sonarr", "Sonarr", "http://localhost:8989"), ("radarr", "Radarr", "http://localhost:7878"),
        ("prowlarr", "Prowlarr", "http://localhost:9696"), ("overseerr", "Overseerr", "http://localhost:5055"),
        ("tautulli", "Tautulli", "http://localhost:8181"), ("stash", "Stash", "http://localhost:9999"),
        ("tmdb", "TMDb", "https://api.themoviedb.org/3"),
    ]

    static let integrationSettings: [SettingSpec] =
        integrationDefaults.flatMap { app in
            let table = "integrations." + app.name
            var specs = [
                SettingSpec(table, "enabled", .bool, false, "Talk to \(app.title)"),
                SettingSpec(table, "url", .url, .string(app.url), "Base URL of \(app.title)", aliases: [app.name + "_url", app.name + ".url"]),
                SettingSpec(
                    table, "api_key", .string, "", "API key of \(app.title)", secret: true,
                    aliases: [app.name + "_api_key", app.name + ".api_key"]),
            ]
            if ["radarr", "sonarr", "overseerr"].contains(app.name) {
                specs.append(
                    SettingSpec(
                        table, "webhook_secret", .string, "",
                        "Shared secret \(app.title)'s webhooks must send (X-Webhook-Secret header or ?secret=); empty: its webhooks are refused",
                        secret: true, maxBytes: 256))
            }
            if ["radarr", "sonarr"].contains(app.name) {
                specs += [
                    SettingSpec(
                        table, "quality_profile_id", .integer(0...1_000_000), 0,
                        "Quality profile of media requests sent to \(app.title) (0: its first profile)"),
                    SettingSpec(
                        table, "root_folder", .string, "", "Root folder of media requests sent to \(app.title) (empty: its first)",
                        maxBytes: 4096),
                ]
            }
            return specs
        } + [
            SettingSpec(
                "integrations", "probe_interval_s", .integer(5...3600), 30,
                "Seconds between two health probes of each enabled integration; a dead app costs one probe per interval"),
            SettingSpec("integrations", "timeout_s", .integer(1...120), 10, "Longest time one request to an integration may take, in seconds"),
        ]

    /// Stash sync (004's `sync_batch_size`, `sync_incremental`); Stash's address and key are
    /// `integrations.stash.*`.
    static let stashSettings: [SettingSpec] = [
        SettingSpec(
            "sync", "batch_size", .integer(1...1000), 100,
            "Scenes, performers, studios or tags asked of Stash per page and written per transaction during a sync",
            aliases: ["sync_batch_size"]),
        SettingSpec(
            "sync", "incremental", .bool, true,
            "A sync without `force` asks Stash only for what changed since the last successful sync",
            aliases: ["sync_incremental"]),
    ]

    /// Stash analysis plans (004's `analysis_confidence_threshold`) and the OpenAI-compatible endpoint their
    /// `use_ai` option asks (004's `openai_*`); the key lives in `secrets.toml`.
    static let analysisSettings: [SettingSpec] = [
        SettingSpec(
            "analysis", "confidence_threshold", .float(0...1), 0.7,
            "Changes a new analysis plan proposes with at least this confidence are accepted at once (applied without review); "
                + "the others wait as pending; a plan's options may give its own",
            aliases: ["analysis_confidence_threshold"]),
        SettingSpec(
            "integrations.openai", "url", .url, "https://api.openai.com",
            "Base URL of an OpenAI-compatible API (requests go to <url>/v1/chat/completions; a URL ending in /v1 is taken as it is)",
            aliases: ["openai_base_url", "openai_url", "openai.base_url"]),
        SettingSpec(
            "integrations.openai", "api_key", .string, "",
            "API key sent as a Bearer token; empty: no AI (a local server that needs no key takes any text)", secret: true,
            aliases: ["openai_api_key", "openai.api_key"], maxBytes: 512),
        SettingSpec(
            "integrations.openai", "model", .string, "gpt-4o-mini", "Model asked for an analysis's suggestions",
            aliases: ["openai_model", "openai.model"], maxBytes: 128),
        SettingSpec(
            "integrations.openai", "timeout_s", .integer(1...600), 60, "Longest time one chat completion may take, in seconds",
            aliases: ["openai_timeout_s"]),
        SettingSpec(
            "integrations.openai", "prompt_price_per_1k", .float(0...1000), 0.0,
            "Price of 1,000 prompt tokens, for the cost an analysis plan reports (0: not counted)"),
        SettingSpec(
            "integrations.openai", "completion_price_per_1k", .float(0...1000), 0.0,
            "Price of 1,000 completion tokens, for the cost an analysis plan reports (0: not counted)"),
    ]

    /// Webhooks from the *arr apps and Plex that turn a new import into thumbnails (issue 13).
    static let webhookSettings: [SettingSpec] = [
        SettingSpec(
            "webhooks", "delay_s", .integer(1...600), 60,
            "Seconds to wait after an import webhook before asking Plex for the file (each new import from the same source restarts it)"),
        SettingSpec(
            "webhooks", "path_mappings", .stringList, .array([]),
            "Folders as the apps name them in webhooks, each `app_prefix=local_prefix` (empty: the apps see this box's paths)"),
        SettingSpec(
            "plex", "webhook_secret", .string, "",
            "Shared secret Plex's webhook URL must carry (?secret=); empty: Plex webhooks are refused", secret: true, maxBytes: 256),
    ]

    /// The appliance token, then the user accounts: password hashing, sessions, login limits, cookies (issue 11).
    static let authSettings: [SettingSpec] = [
        SettingSpec("auth", "token", .string, "", "Appliance API token (WEB_AUTH_TOKEN overrides it); written on first start", secret: true),
        SettingSpec(
            "auth", "signing_keys", .string, "",
            "Keys that sign session tokens, `kid:base64url` separated by spaces, the current one first; written on first start. "
                + "To rotate, put a new key in front and keep the old one until its tokens expire (access_token_minutes)",
            secret: true, maxBytes: 4096),
        SettingSpec(
            "auth", "max_parallel_hashes", .integer(1...16), 2,
            "Most password hashes computed at once; more logins wait or get 429, so a login flood cannot take the CPU from playback"),
        SettingSpec("auth", "allow_registration", .bool, false, "Let anyone create a user account (003's register)"),
        SettingSpec(
            "auth", "argon2_memory_kib", .integer(7168...262_144), 19456,
            "Memory of one argon2id password hash, in KiB (OWASP: 19456 with 2 iterations, 7168 with 5)"),
        SettingSpec("auth", "argon2_iterations", .integer(1...10), 2, "Passes of one argon2id password hash"),
        SettingSpec("auth", "argon2_parallelism", .integer(1...8), 1, "Lanes (threads) of one argon2id password hash"),
        SettingSpec("auth", "access_token_minutes", .integer(1...1440), 15, "Lifetime of a session's access token (JWT), in minutes"),
        SettingSpec("auth", "refresh_token_days", .integer(1...365), 7, "Lifetime of a session's refresh token, in days"),
        SettingSpec("auth", "remember_me_days", .integer(1...365), 30, "Lifetime of a refresh token from a login with rememberMe, in days"),
        SettingSpec("auth", "login_attempts", .integer(1...1000), 5, "Logins allowed from one address per login_window_minutes (then 429)"),
        SettingSpec("auth", "login_window_minutes", .integer(1...1440), 15, "Window of login_attempts, in minutes"),
        SettingSpec("auth", "password_reset_per_hour", .integer(1...100), 3, "Password reset mails sent to one e-mail address per hour"),
        SettingSpec("auth", "activity_retention_days", .integer(1...3650), 90, "Days of the activity log (logins, role and key changes) kept"),
        SettingSpec(
            "auth", "cookie_secure", .choice(["auto", "always", "never"]), "auto",
            "Secure flag of session cookies (auto: when the request came over HTTPS)"),
        SettingSpec("auth", "password_min_length", .integer(8...64), 8, "Fewest characters of a user's password"),
    ]

    /// Outgoing mail (account verification, password resets) over libcurl's SMTP.
    static let emailSettings: [SettingSpec] = [
        SettingSpec(
            "email", "smtp_url", .url, "",
            "Mail server, smtp://host:port (STARTTLS per email.starttls) or smtps://host:port (TLS from the start); "
                + "empty: no mail, password reset links go to the log", urlSchemes: ["smtp", "smtps"]),
        SettingSpec("email", "from", .string, "", "Sender address of the appliance's mail (needed when smtp_url is set)", maxBytes: 254),
        SettingSpec("email", "username", .string, "", "User name for the mail server's AUTH (empty: no AUTH)", maxBytes: 256),
        SettingSpec("email", "password", .string, "", "Password for the mail server's AUTH", secret: true, maxBytes: 1024),
        SettingSpec(
            "email", "starttls", .choice(["required", "opportunistic", "never"]), "required",
            "STARTTLS on smtp:// (required: no mail without TLS; opportunistic: TLS when the server offers it)"),
        SettingSpec("email", "timeout_seconds", .integer(1...300), 10, "Longest time one mail may take to send, connection included, in seconds"),
        SettingSpec(
            "email", "public_url", .url, "",
            "Base URL put in mailed links, e.g. https://media.example.com (empty: no link, the mail carries the code alone)"),
    ]

    /// The media catalog (issue 12, seed 003): where library folders may be, TMDb's pace and cache, images.
    static let catalogSettings: [SettingSpec] = [
        SettingSpec(
            "catalog", "library_roots", .stringList, .array(["/srv", "/mnt", "/media", "/data"]),
            "Folders a catalog library's folders must lie under (links resolved); a library folder elsewhere is refused"),
        SettingSpec("catalog", "probe_files", .bool, true, "Probe new and changed files with libavformat during a scan (false: names only)"),
        SettingSpec("catalog", "missing_grace_hours", .integer(0...8760), 72, "Hours a vanished file stays in the catalog, marked missing, before a scan drops it"),
        SettingSpec("catalog", "tmdb_requests_per_second", .integer(1...50), 4, "Most requests a second to TMDb (Revenge's default: 4)"),
        SettingSpec("catalog", "tmdb_cache_minutes", .integer(0...10080), 1440, "Minutes a TMDb answer is reused before it is asked again"),
        SettingSpec("catalog", "image_base_url", .url, "https://image.tmdb.org/t/p", "Base URL of TMDb's image server"),
        SettingSpec("catalog", "image_cache_mb", .integer(16...65536), 512, "Disk space of the image cache, in MiB (least recently used images go first)"),
        SettingSpec("catalog", "image_max_mb", .integer(1...64), 10, "Largest image fetched from the image server, in MiB"),
    ]
}
