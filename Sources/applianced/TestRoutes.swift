import Core
import Downloads
import HTTP
import Monitor
import Routes
import Store

#if canImport(Glibc)
    import Glibc
#endif

/// Routes for tests only, mounted when `APPLIANCED_TEST_ROUTES=1` (never in production, so never in
/// the production OpenAPI document):
/// - `GET /api/test/slow?ms=N` answers `{"slept_ms":N}` after sleeping N ms (at most 10 000);
/// - `GET /api/test/ws-echo` is a WebSocket that echoes each text message;
/// - 001's `GET /api/test/health`: the database answers a query, the uptime, the version;
/// - 001's `POST /api/test/reset` (admins): deletes the test data, meaning what was made since this
///   process started: downloads (running ones cancelled first), finished jobs and media requests.
///   Refused (409) when the daemon runs with `--root /`, on a real box's own state;
/// - 001's `GET /api/test/performance`: the process's resident memory, CPU time and threads, the
///   request counters, the jobs and downloads in flight, figures that cost a file read each.
struct TestRoutes: RouteProvider {
    /// The services the test routes read; nil for a daemon that has none (the shutdown tests' own).
    var services: Appliance?
    var root: String = "/"
    var timeline: StartupTimeline?
    /// When this process started, Unix ms (rows made since are the test run's).
    var startedAt: Int64 = Timestamp.now()

    var routes: [Route] {
        [
            .get(
                "/api/test/slow", .public,
                RouteDoc(
                    "Sleeps ms milliseconds, then answers (tests only)", tag: "test", query: ["ms"],
                    responseSchema: .object(["slept_ms": .integer]))
            ) { request in
                let milliseconds = min(10_000, max(0, Int(request.query["ms"] ?? "") ?? 1000))
                try await Task.sleep(for: .milliseconds(milliseconds))
                return .json(["slept_ms": JSON(milliseconds)])
            },
            // Echoes every text message: a WebSocket conformance client can be pointed at the framing code.
            Route(
                "GET", "/api/test/ws-echo", access: .public, doc: RouteDoc("Echoes WebSocket text messages (tests only)", tag: "test"),
                handler: .webSocket { _, socket in
                    while let message = await socket.receive() {
                        socket.send(text: message)
                    }
                }),
        ] + (services.map(serviceRoutes) ?? [])
    }

    func serviceRoutes(_ services: Appliance) -> [Route] {
        let (root, timeline, startedAt) = (root, timeline, startedAt)
        let database = services.database
        return [
            .get(
                "/api/test/health", .public,
                RouteDoc(
                    "Whether the state database answers, the uptime in seconds and the version (001, tests only)", tag: "test",
                    responseSchema: .success(["data": .object(["database": .string, "uptime": .number, "version": .string])]),
                    errors: [503])
            ) { _ in
                let answered = (try? await database.perform { try database.queryOne("SELECT 1")?[0].intValue }) == 1
                guard answered else { throw HTTPError.unavailable("The state database does not answer", code: "DATABASE_ERROR") }
                return .success([
                    "data": [
                        "database": "ok", "uptime": .double(Double(timeline?.elapsedMilliseconds ?? 0) / 1000),
                        "version": .string(ApplianceVersion.current),
                    ]
                ])
            },
            .post(
                "/api/test/reset", .admin,
                RouteDoc(
                    "Deletes what was made since the daemon started: downloads (cancelled first), finished jobs, media requests; 409 under --root / (001, tests only)",
                    tag: "test",
                    responseSchema: .success(["data": .object(["downloads": .integer, "jobs": .integer, "requests": .integer])]),
                    errors: [409])
            ) { _ in
                guard root != "/" && !root.isEmpty else {
                    throw HTTPError.conflict("Reset refuses to run on a real box's state", detail: "the daemon runs with --root /")
                }
                let downloads = try await services.downloads.removeAll(since: startedAt)
                let (jobs, requests) = try await database.perform {
                    try database.withConnection { connection in
                        try connection.execute(
                            "DELETE FROM jobs WHERE created_at >= ? AND status IN ('completed', 'failed', 'cancelled')", [.integer(startedAt)])
                        let jobs = connection.changes
                        try connection.execute("DELETE FROM media_requests WHERE created_at >= ?", [.integer(startedAt)])
                        return (jobs, connection.changes)
                    }
                }
                return .success(["data": ["downloads": JSON(downloads), "jobs": JSON(jobs), "requests": JSON(requests)]])
            },
            .get(
                "/api/test/performance", .public,
                RouteDoc(
                    "The process's resident memory, CPU time and threads, request counters, jobs and downloads in flight (001, tests only)",
                    tag: "test", responseSchema: .success(["data": .anyObject]))
            ) { _ in
                let process = Self.processFigures()
                let requests = services.monitoring.metrics.requestSummary()
                let counts = try await database.perform { try JobStore(database: database).countsByStatus() }
                let downloads = try await services.downloads.counts()
                return .success([
                    "data": [
                        "process": process,
                        "requests": [
                            "count": JSON(Int(requests.count)), "serverErrors": JSON(Int(requests.serverErrors)),
                            "meanSeconds": requests.meanSeconds.map(JSON.double) ?? .null,
                            "p95Seconds": requests.p95Seconds.map(JSON.double) ?? .null,
                        ],
                        "jobs": ["running": JSON(counts[.running] ?? 0), "pending": JSON(counts[.pending] ?? 0)],
                        "downloads": ["active": JSON(downloads.active), "total": JSON(downloads.total)],
                    ]
                ])
            },
        ]
    }

    /// Resident bytes (`/proc/self/statm`), user and system CPU seconds and the peak resident size
    /// (`getrusage`), threads (`/proc/self/stat`).
    static func processFigures() -> JSON {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let pageSize = Int64(sysconf(Int32(_SC_PAGESIZE)))
        let statm = FileSystem.readIfPresent("/proc/self/statm")?.split(separator: " ") ?? []
        let resident = statm.count > 1 ? (Int64(statm[1]) ?? 0) * pageSize : 0
        let stat = FileSystem.readIfPresent("/proc/self/stat") ?? ""
        let fields = stat.lastIndex(of: ")").map { stat[stat.index(after: $0)...].split(separator: " ") } ?? []
        let threads = fields.count > 17 ? Int(fields[17]) ?? 0 : 0
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1_000_000 }
        return [
            "residentBytes": .int(resident), "peakResidentBytes": .int(Int64(usage.ru_maxrss) * 1024),
            "userCPUSeconds": .double(seconds(usage.ru_utime)), "systemCPUSeconds": .double(seconds(usage.ru_stime)), "threads": JSON(threads),
        ]
    }
}
