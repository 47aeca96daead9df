import Core
public import HTTP

/// 003's admin integration routes for Radarr and Sonarr: status with the last sync, starting a sync,
/// quality profiles and root folders. Reading needs `integrations:read`, starting a sync
/// `integrations:write` (admins hold both).
public struct IntegrationAdminRoutes: RouteProvider {
    let service: IntegrationService
    let sync: CatalogSync

    public init(service: IntegrationService, sync: CatalogSync) {
        self.service = service
        self.sync = sync
    }

    public var routes: [Route] {
        [IntegrationApp.radarr, .sonarr].flatMap(routes(for:))
    }

    func routes(for app: IntegrationApp) -> [Route] {
        let (service, sync) = (service, sync)
        let base = "/api/v1/admin/integrations/\(app.rawValue)"
        let tag = "integrations"
        return [
            .get(
                base + "/status", .permission("integrations:read"),
                RouteDoc(
                    "\(app.title)'s connection, version and last catalog sync", tag: tag,
                    responseSchema: .object(
                        ["connected": .boolean, "syncStatus": Self.syncSchema(app)],
                        optional: ["version": .string, "instanceName": .string, "startTime": .dateTime]), errors: [503])
            ) { _ in
                try await Self.status(app, service: service, sync: sync)
            },
            .post(
                base + "/sync", .permission("integrations:write"),
                RouteDoc(
                    "Import \(app.title)'s \(app == .radarr ? "movies" : "series") into the catalog (a sync job)", tag: tag,
                    response: ["message": "Radarr sync started", "status": "started"], status: 202,
                    responseSchema: .object(["message": .string, "status": .oneOf(["started", "queued"])], optional: ["jobId": .string]),
                    errors: [409, 502, 503, 504])
            ) { _ in
                let job = try await sync.start(app)
                return .json(["message": .string("\(app.title) sync started"), "status": "started", "jobId": .string(job)], status: 202)
            },
            .get(
                base + "/quality-profiles", .permission("integrations:read"),
                RouteDoc(
                    "\(app.title)'s quality profiles", tag: tag,
                    responseSchema: .object([
                        "profiles": .array(
                            .object(
                                ["id": .integer, "name": .string],
                                optional: ["upgradeAllowed": .boolean, "cutoff": .integer, "minFormatScore": .integer]))
                    ]), errors: [502, 503, 504])
            ) { _ in
                let profiles = try await app == .radarr ? service.radarr.qualityProfiles() : service.sonarr.qualityProfiles()
                return .json(["profiles": .array(profiles.map(Self.json))])
            },
            .get(
                base + "/root-folders", .permission("integrations:read"),
                RouteDoc(
                    "\(app.title)'s root folders", tag: tag,
                    responseSchema: .object([
                        "folders": .array(.object(["id": .integer, "path": .string, "accessible": .boolean], optional: ["freeSpace": .integer]))
                    ]), errors: [502, 503, 504])
            ) { _ in
                let folders = try await app == .radarr ? service.radarr.rootFolders() : service.sonarr.rootFolders()
                return .json(["folders": .array(folders.map(Self.json))])
            },
        ]
    }

    /// 503 unless configured; then the app's status (`connected: false` when it does not answer) and the last sync.
    static func status(_ app: IntegrationApp, service: IntegrationService, sync: CatalogSync) async throws -> Response {
        guard service.connection(app).isConfigured else { throw IntegrationError.notConfigured(app) }
        let stored = try await sync.status(app)
        var body: [String: JSON] = ["syncStatus": stored.json(app: app, running: sync.isRunning(app))]
        do {
            let status = try await app == .radarr ? service.radarr.systemStatus() : service.sonarr.systemStatus()
            body["connected"] = true
            body["version"] = .string(status.version)
            if let name = status.instanceName { body["instanceName"] = .string(name) }
            if let start = IntegrationJSON.time(status.startTime) { body["startTime"] = start }
        } catch {
            body["connected"] = false
        }
        return .json(.object(body))
    }

    static func syncSchema(_ app: IntegrationApp) -> Schema {
        let noun = app == .sonarr ? "series" : "movies"
        var required: [String: Schema] = [
            "isRunning": .boolean, "\(noun)Added": .integer, "\(noun)Updated": .integer, "\(noun)Removed": .integer,
            (app == .sonarr ? "totalSeries" : "totalMovies"): .integer,
        ]
        if app == .sonarr {
            required["episodesAdded"] = .integer
            required["episodesUpdated"] = .integer
            required["totalEpisodes"] = .integer
        }
        return .object(required, optional: ["lastSync": .dateTime, "lastSyncError": .string])
    }

    static func json(_ profile: ArrQualityProfile) -> JSON {
        var members: [String: JSON] = ["id": JSON(profile.id), "name": .string(profile.name)]
        if let value = profile.upgradeAllowed { members["upgradeAllowed"] = .bool(value) }
        if let value = profile.cutoff { members["cutoff"] = JSON(value) }
        if let value = profile.minFormatScore { members["minFormatScore"] = JSON(value) }
        return .object(members)
    }

    static func json(_ folder: ArrRootFolder) -> JSON {
        var members: [String: JSON] = ["id": JSON(folder.id), "path": .string(folder.path), "accessible": .bool(folder.accessible ?? false)]
        if let space = folder.freeSpace { members["freeSpace"] = .int(space) }
        return .object(members)
    }
}
