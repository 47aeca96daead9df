// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    // C types cannot leak into a public signature.
    .enableUpcomingFeature("InternalImportsByDefault"),
]

/// One C library = one systemLibrary target = one Swift adapter module that imports it.
func cLibrary(_ name: String, _ pkgConfig: String, _ apt: [String]) -> Target {
    .systemLibrary(name: name, path: "Sources/\(name)", pkgConfig: pkgConfig, providers: [.apt(apt)])
}

func module(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .target(name: name, dependencies: dependencies, swiftSettings: swiftSettings)
}

func tests(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .testTarget(name: name, dependencies: dependencies, swiftSettings: swiftSettings)
}

let package = Package(
    name: "applianced",
    products: [
        .executable(name: "applianced", targets: ["applianced"]),
        // The sandboxed media helper: the only binary that links libav* and libva.
        .executable(name: "applianced-media", targets: ["applianced-media"]),
    ],
    targets: [
        // MARK: C libraries (module.modulemap + shim.h only)
        cLibrary("CSQLite", "sqlite3", ["libsqlite3-dev"]),
        // libcurl's headers only: Fetch loads it at run time (CurlLibrary), so that the 28 libraries it links
        // in turn are not mapped into a daemon that has made no outgoing request.
        .systemLibrary(name: "CCurl", path: "Sources/CCurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        // libavfilter's headers only: the helper loads it (and the 30 libraries only it links: flite's
        // voices, librsvg, libplacebo …) at run time, and only where it may scale on a GPU (FilterLibrary).
        cLibrary("CAV", "libavformat libavcodec libavutil libswscale",
                 ["libavformat-dev", "libavcodec-dev", "libavutil-dev", "libswscale-dev", "libavfilter-dev"]),
        // zimg, what ffmpeg's zscale filter wraps: HDR tone-mapping of thumbnails without libavfilter.
        cLibrary("CZimg", "zimg", ["libzimg-dev"]),
        cLibrary("CVA", "libva libva-drm", ["libva-dev"]),
        cLibrary("CUdev", "libudev", ["libudev-dev"]),
        cLibrary("CCrypto", "libcrypto", ["libssl-dev"]),
        cLibrary("CArgon2", "libargon2", ["libargon2-dev"]),
        // glibc's <malloc.h> (libc6-dev, no pkg-config): the daemon's malloc tunables.
        .systemLibrary(name: "CMalloc", path: "Sources/CMalloc"),
        // glibc's <sys/epoll.h> and <sys/eventfd.h> (libc6-dev): the HTTP engine's event loops.
        .systemLibrary(name: "CEpoll", path: "Sources/CEpoll"),
        cLibrary("CQREncode", "libqrencode", ["libqrencode-dev"]),
        cLibrary("CSeccomp", "libseccomp", ["libseccomp-dev"]),
        // <linux/landlock.h>, <sys/syscall.h> (linux-libc-dev, no pkg-config): Landlock and ioprio have no libc wrapper.
        .systemLibrary(name: "CSyscall", path: "Sources/CSyscall"),

        // MARK: Pure logic and shared value types
        module("Core", []),
        module("Config", ["Core"]),
        module("Previews", ["Core"]),
        // The daemon ↔ media helper messages (frames, requests, replies, file facts): no I/O.
        module("MediaProtocol", ["Core"]),

        // MARK: Adapters, each owning its C module
        module("Crypto", ["Core", "CCrypto", "CArgon2"]),
        module("Store", ["Core", "CSQLite"]),
        module("Fetch", ["Core", "CCurl"]),
        module("Hardware", ["Core", "CUdev"]),
        module("Media", ["Core", "Previews", "MediaProtocol", "CAV", "CZimg"]),
        module("GPUProbe", ["Core", "MediaProtocol", "CVA"]),
        module("Sandbox", ["Core", "CSeccomp", "CSyscall"]),
        // The daemon's side of the media helper: spawn, pipes, limits, idle exit, crash reasons.
        module("MediaHelper", ["Core", "MediaProtocol"]),
        module("QRCode", ["Core", "CQREncode"]),

        // MARK: Services
        module("Monitor", ["Core", "Store", "CSyscall"]),

        // MARK: Upstream services
        module("Plex", ["Core", "Fetch"]),
        module("Jobs", ["Core", "Store", "MediaHelper", "MediaProtocol", "Previews", "Plex"]),

        // MARK: HTTP framework (server, router, gate, WebSocket, OpenAPI): knows no feature
        module("HTTP", ["Core", "Crypto", "Store", "CEpoll"]),

        // MARK: Feature routes (each provider mounts on HTTP next to the services it exposes)
        module("Routes", ["Core", "Config", "Crypto", "Hardware", "Monitor", "Store", "Jobs", "Plex", "Fetch", "HTTP"]),
        // Users, sessions, roles, API keys, MFA, OIDC, activity: the service and its routes.
        module("Accounts", ["Core", "Crypto", "Store", "Fetch", "QRCode", "HTTP"]),
        // The media catalog (003): libraries, the scanner, TMDb metadata, images, search, progress; its routes.
        module("Catalog", ["Core", "Store", "Fetch", "MediaHelper", "MediaProtocol", "HTTP"]),
        // The *arr apps, Overseerr and Tautulli (issue 13): clients, probes, 003's admin integration
        // routes, the apps' catalog sync, connection tests.
        module("Integrations", ["Core", "Store", "Fetch", "Catalog", "HTTP"]),
        // 001's media requests: TMDb search with availability, per-user requests, admin decisions, forwarding.
        module("Requests", ["Core", "Crypto", "Store", "Catalog", "Webhooks", "HTTP"]),
        // Seed 004 (issue 14): a local copy of a Stash server (GraphQL client, sync jobs), its scenes and entities.
        module("Stash", ["Core", "Store", "Fetch", "HTTP"]),
        // Webhooks from Radarr, Sonarr and Plex: secrets, replays, and a new import turned into thumbnails.
        module("Webhooks", ["Core", "Crypto", "Store", "Fetch", "Plex", "Previews", "Jobs", "Catalog", "HTTP"]),

        // Socket.IO (Engine.IO 4, Socket.IO 5) on /socket.io/: sessions, both transports, namespaces, events.
        module("SocketIO", ["Core", "HTTP"]),
        // yt-dlp downloads (issue 17): jobs of the jobs table run by a yt-dlp child, their routes and limits.
        module("Downloads", ["Core", "HTTP", "Store", "Catalog", "SocketIO", "CSyscall"]),

        // MARK: Composition root
        .executableTarget(
            name: "applianced",
            dependencies: [
                "Core", "Config", "Crypto", "Store", "Fetch", "Hardware", "Previews", "MediaProtocol", "MediaHelper", "Monitor", "Plex",
                "Jobs", "HTTP", "Routes", "Accounts", "Catalog", "Integrations", "Webhooks", "Requests", "Stash", "SocketIO", "Downloads", "CMalloc",
            ],
            swiftSettings: swiftSettings
        ),
        // The media helper: reads work from a pipe, decodes in a sandbox (see docs/architecture.md).
        .executableTarget(
            name: "applianced-media", dependencies: ["Core", "Previews", "MediaProtocol", "Media", "GPUProbe", "Sandbox"],
            swiftSettings: swiftSettings
        ),

        // MARK: Benchmarks (run by hand, see bench/)
        .executableTarget(name: "monitor-bench", dependencies: ["Core", "Store", "Monitor"], path: "bench/monitor-bench",
                          swiftSettings: swiftSettings),

        // MARK: Test support shared by test targets (child processes, fixture servers, fakes)
        .target(name: "TestSupport", dependencies: ["Core", "Crypto"], path: "Tests/TestSupport", swiftSettings: swiftSettings),

        // The catalog over a real server, a fake TMDb and media folders: shared by the tests of the modules built on the catalog.
        .target(
            name: "CatalogFixtures", dependencies: ["Catalog", "Accounts", "HTTP", "Store", "Core", "Crypto", "TestSupport"],
            path: "Tests/CatalogFixtures", swiftSettings: swiftSettings),

        // MARK: Tests (one target per module)
        tests("CoreTests", ["Core"]),
        tests("ConfigTests", ["Config", "Core"]),
        tests("CryptoTests", ["Crypto"]),
        tests("PreviewsTests", ["Previews", "Core"]),
        tests("StoreTests", ["Store", "Core", "TestSupport"]),
        tests("FetchTests", ["Fetch", "Core", "TestSupport"]),
        // The hot-plug helper is C compiled by the test itself with cc (it links libumockdev).
        .testTarget(name: "HardwareTests", dependencies: ["Hardware", "Core"], exclude: ["Fixtures"],
                    swiftSettings: swiftSettings),
        tests("MediaTests", ["Media", "Previews", "Core", "TestSupport"]),
        tests("MonitorTests", ["Monitor", "Store", "Core", "TestSupport"]),
        tests("AccountsTests", ["Accounts", "HTTP", "Crypto", "Core", "Store", "Fetch", "TestSupport"]),
        tests("QRCodeTests", ["QRCode"]),
        tests("CatalogTests", ["CatalogFixtures", "Catalog", "Accounts", "HTTP", "Store", "Fetch", "MediaHelper", "Core", "Crypto", "TestSupport"]),
        tests("IntegrationsTests", ["CatalogFixtures", "Integrations", "Catalog", "Accounts", "HTTP", "Routes", "Store", "Fetch", "Core", "Crypto", "TestSupport"]),
        tests("RequestsTests", ["CatalogFixtures", "Requests", "Webhooks", "Jobs", "Catalog", "Accounts", "HTTP", "Store", "Fetch", "Core", "Crypto", "TestSupport"]),
        tests("WebhooksTests", ["CatalogFixtures", "Webhooks", "Jobs", "Plex", "Previews", "Catalog", "Accounts", "HTTP", "Store", "Fetch", "Core", "Crypto", "TestSupport"]),
        tests("StashTests", ["CatalogFixtures", "Catalog", "Stash", "Accounts", "HTTP", "Store", "Fetch", "Core", "Crypto", "TestSupport"]),
        tests("DownloadsTests", ["Downloads", "HTTP", "Core", "Store", "SocketIO", "TestSupport"]),
        tests("SocketIOTests", ["SocketIO", "HTTP", "Core", "Crypto", "TestSupport"]),
        tests("PlexTests", ["Plex", "Fetch", "Core", "TestSupport"]),
        tests("MediaHelperTests", ["MediaHelper", "MediaProtocol", "Core", "TestSupport"]),
        tests("JobsTests", ["Jobs", "Store", "MediaHelper", "Previews", "Plex", "Fetch", "Crypto", "Core", "TestSupport"]),
        tests("APITests", ["HTTP", "Routes", "Config", "Core", "Crypto", "Hardware", "Jobs", "Monitor", "Plex", "Fetch", "Store", "TestSupport"]),
        // Runs the built `applianced` binary (serve, signals, token file) as a user would.
        tests("AppliancedTests", ["Core", "TestSupport", "Accounts", "Store", "Crypto"]),
    ],
    swiftLanguageModes: [.v6]
)

// MARK: Fuzzing (fuzz/build.sh only: `APPLIANCED_FUZZ=1`, scratch path .build-fuzz, `--sanitize fuzzer`)
// One binary holds every libFuzzer target; `FUZZ_TARGET` picks one. A plain `swift build` never sees it.
if Context.environment["APPLIANCED_FUZZ"] == "1" {
    package.targets.append(
        .executableTarget(
            name: "applianced-fuzz", dependencies: ["Core", "Config", "Crypto", "Previews", "Plex", "Monitor", "HTTP", "Routes", "Accounts"],
            path: "fuzz/Targets", swiftSettings: swiftSettings + [.unsafeFlags(["-parse-as-library"])]))
}
