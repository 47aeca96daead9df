import Core
public import HTTP

/// 001's `GET /api/v1/admin/stats`: users, requests, downloads and the box, from real counts. The
/// figures other modules own come in as `Sources`, so this module needs none of them.
public struct AdminStatsRoutes: RouteProvider {
    /// Where each group of figures comes from.
    public struct Sources: Sendable {
        /// All users, those who signed in within 30 days (and are enabled), enabled admins.
        public var users: @Sendable () async throws -> (total: Int, active: Int, admins: Int)
        /// Downloads: the yt-dlp jobs (all, queued or running, completed, failed) plus the apps' queues;
        /// nil when none of them could be read.
        public var downloads: @Sendable () async -> (total: Int, active: Int, completed: Int, failed: Int)?
        /// The daemon's uptime in seconds, its resident memory in bytes and the box's CPU use in percent;
        /// nil before the monitor's first sample.
        public var system: @Sendable () -> (uptime: Double, residentBytes: UInt64, cpuPercent: Double)?

        public init(
            users: @escaping @Sendable () async throws -> (total: Int, active: Int, admins: Int),
            downloads: @escaping @Sendable () async -> (total: Int, active: Int, completed: Int, failed: Int)?,
            system: @escaping @Sendable () -> (uptime: Double, residentBytes: UInt64, cpuPercent: Double)?
        ) {
            self.users = users
            self.downloads = downloads
            self.system = system
        }
    }

    let requests: RequestService
    let sources: Sources

    public init(requests: RequestService, sources: Sources) {
        self.requests = requests
        self.sources = sources
    }

    static let schema = Schema.success([
        "data": .object([
            "users": .object(["total": .integer, "active": .integer, "admins": .integer]),
            "requests": .object([
                "pending": .integer, "approved": .integer, "denied": .integer, "processing": .integer, "available": .integer,
                "failed": .integer, "total": .integer,
            ]),
            "downloads": .nullable(.object(["total": .integer, "active": .integer, "completed": .integer, "failed": .integer])),
            "system": .nullable(.object(["uptime": .integer, "memory": .string, "cpu": .string])),
        ])
    ])

    public var routes: [Route] {
        let requests = requests
        let sources = sources
        return [
            Route.get(
                "/api/v1/admin/stats", .permission("users:read"),
                RouteDoc(
                    "Counts of users (active: signed in within 30 days), requests by status, downloads (yt-dlp jobs plus the apps' queues; null when unreadable), and the daemon's uptime and memory with the box's CPU use (001)",
                    tag: "admin", responseSchema: Self.schema, errors: [503])
            ) { _ in
                let users: (total: Int, active: Int, admins: Int)
                do {
                    users = try await sources.users()
                } catch let error as HTTPError {
                    throw error
                } catch {
                    throw HTTPError.storage(error, failing: "Failed to count the users")
                }
                let counts = try await requests.perform { connection in try RequestStore.counts(connection) }
                let downloads = await sources.downloads()
                let system = sources.system()
                func count(_ status: MediaRequest.Status) -> JSON { JSON(counts[status] ?? 0) }
                return .success([
                    "data": [
                        "users": ["total": JSON(users.total), "active": JSON(users.active), "admins": JSON(users.admins)],
                        "requests": [
                            "pending": count(.pending), "approved": count(.approved), "denied": count(.declined),
                            "processing": count(.processing), "available": count(.available), "failed": count(.failed),
                            "total": JSON(counts.values.reduce(0, +)),
                        ],
                        "downloads": downloads.map { downloads -> JSON in
                            [
                                "total": JSON(downloads.total), "active": JSON(downloads.active), "completed": JSON(downloads.completed),
                                "failed": JSON(downloads.failed),
                            ]
                        } ?? .null,
                        "system": system.map { system -> JSON in
                            [
                                "uptime": JSON(Int(system.uptime.rounded())), "memory": .string("\(system.residentBytes >> 20)MB"),
                                "cpu": .string("\(Int(system.cpuPercent.rounded()))%"),
                            ]
                        } ?? .null,
                    ]
                ])
            }
        ]
    }
}
