public import HTTP
public import Config
import Core

/// The settings endpoints of every document (000 `/api/settings`, 002 `/api/v1/config`, 004 `/api/v1/settings/*`,
/// 003 `/api/v1/settings/server`) and the config status; all read and write the one `ConfigStore`.
public struct SettingsRoutes: RouteProvider {
    let store: ConfigStore

    public init(store: ConfigStore) {
        self.store = store
    }

    /// 000's settings, in its order.
    static let applianceKeys = [
        "plex_url", "plex_token", "plex_name", "plex_config_folder", "selected_libraries", "media_path", "plex_videos_path_mapping",
        "plex_local_videos_path_mapping", "gpu_threads", "cpu_threads", "thumbnail_interval", "thumbnail_quality",
    ]
    static let systemConfigKeys = ["plex_url", "gpu_threads", "cpu_threads", "thumbnail_interval", "thumbnail_quality"]

    public var routes: [Route] {
        // The settings' tables, in the order the schema first names them.
        let categories = store.schema.specs.reduce(into: [String]()) { tables, spec in
            if !tables.contains(spec.table) { tables.append(spec.table) }
        }
        return [
            .get(
                "/api/settings", .setup,
                RouteDoc(
                    "Current settings (000), secrets masked", tag: "settings",
                    response: [
                        "plex_url": "http://192.168.1.100:32400", "plex_token": "****", "plex_name": "My Plex Server",
                        "plex_config_folder": "/var/lib/plexmediaserver/Library/Application Support/Plex Media Server",
                        "selected_libraries": ["1"], "media_path": "/media", "plex_videos_path_mapping": "",
                        "plex_local_videos_path_mapping": "", "gpu_threads": 4, "cpu_threads": 2, "thumbnail_interval": 5,
                        "thumbnail_quality": 4,
                    ],
                    responseSchema: .object(Dictionary(uniqueKeysWithValues: Self.applianceKeys.map { ($0, Self.settingValue) })))
            ) { _ in
                .json(applianceSettings())
            },
            .post(
                "/api/settings", .setup,
                RouteDoc(
                    "Update settings (000); \"****\" leaves a secret unchanged", tag: "settings",
                    request: ["gpu_threads": 4, "thumbnail_interval": 5], response: ["success": true],
                    requestSchema: .object([:], optional: Dictionary(uniqueKeysWithValues: Self.applianceKeys.map { ($0, Self.settingValue) })),
                    responseSchema: .success(), errors: Self.writeErrors)
            ) { request in
                try await apply(changes(from: try object(request), mask: "****"))
                return .success()
            },
            .get(
                "/api/system/config", .permission("settings:read"),
                RouteDoc(
                    "Current configuration (000)", tag: "system",
                    response: [
                        "plex_url": "http://192.168.1.100:32400", "gpu_threads": 4, "cpu_threads": 2, "thumbnail_interval": 5,
                        "thumbnail_quality": 4,
                    ],
                    responseSchema: .object(Dictionary(uniqueKeysWithValues: Self.systemConfigKeys.map { ($0, Self.settingValue) })))
            ) { _ in
                .json(.object(Dictionary(uniqueKeysWithValues: Self.systemConfigKeys.map { ($0, plain($0, mask: "****")) })))
            },
            .get(
                "/api/v1/config", .permission("settings:read"),
                RouteDoc(
                    "System configuration (002)", tag: "settings",
                    response: ["domain": "media.example.com", "media_dir": "/media", "downloads_dir": "/downloads", "services": ["plex"]],
                    responseSchema: Self.configurationSchema)
            ) { _ in
                .json(systemConfiguration())
            },
            .put(
                "/api/v1/config", .permission("settings:write"),
                RouteDoc(
                    "Update system configuration (002)", tag: "settings",
                    request: ["domain": "media.example.com", "services": ["plex", "sonarr"]],
                    requestSchema: .object(
                        [:],
                        optional: [
                            "domain": .string, "media_dir": .string, "downloads_dir": .string,
                            "services": .array(.oneOf(["plex"] + Self.integrationNames)),
                        ], closed: true),
                    responseSchema: Self.configurationSchema, errors: Self.writeErrors)
            ) { request in
                try await apply(try configurationChanges(try object(request)))
                return .json(systemConfiguration())
            },
            .get(
                "/api/v1/settings/", .permission("settings:read"),
                RouteDoc("All settings (004), secrets masked", tag: "settings", responseSchema: .array(Self.settingSchema))
            ) { _ in
                .json(.array(store.schema.specs.map { describe($0, mask: "********") }))
            },
            .put(
                "/api/v1/settings/", .permission("settings:write"),
                RouteDoc(
                    "Update several settings (004)", tag: "settings",
                    request: ["stash_url": "http://localhost:9999"],
                    response: [
                        "success": true, "message": "Settings updated successfully", "updated_fields": ["stash_url"],
                        "requires_restart": false,
                    ],
                    requestSchema: .map(Self.settingValue),
                    responseSchema: .success(["message": .string, "updated_fields": .array(.string), "requires_restart": .boolean]),
                    errors: Self.writeErrors)
            ) { request in
                let wanted = try changes(from: try object(request), mask: "********")
                let updated = try await apply(wanted)
                return .success([
                    "message": "Settings updated successfully",
                    "updated_fields": .array(updated.map { .string($0.name) }),
                    "requires_restart": .bool(updated.contains { $0.spec.requiresRestart }),
                ])
            },
            .get(
                "/api/v1/settings/server", .permission("settings:read"),
                RouteDoc(
                    "Server settings (003); `category` keeps one table's (e.g. alerts)", tag: "settings", query: ["category"],
                    parameterTypes: ["category": .oneOf(categories)], responseSchema: .array(Self.serverSettingSchema))
            ) { request in
                let category = request.query["category"]
                if let category, !categories.contains(category) {
                    throw HTTPError.badRequest(
                        "Unknown category '\(category.prefix(64))': \(categories.joined(separator: ", "))", detail: "category")
                }
                return .json(.array(store.schema.specs.filter { category == nil || $0.table == category }.map { serverSetting($0) }))
            },
            .get("/api/v1/settings/server/{key}", .permission("settings:read"), RouteDoc("One server setting (003)", tag: "settings", responseSchema: Self.serverSettingSchema)) { request in
                .json(serverSetting(try known(request.parameter("key"))))
            },
            .get("/api/v1/settings/{key}", .permission("settings:read"), RouteDoc("One setting (004)", tag: "settings", responseSchema: Self.settingSchema)) { request in
                .json(describe(try known(request.parameter("key")), mask: "********"))
            },
            .put(
                "/api/v1/settings/{key}", .permission("settings:write"),
                RouteDoc(
                    "Update one setting (004)", tag: "settings",
                    request: ["value": "http://localhost:9999"],
                    requestSchema: .object(["value": Self.settingValue]),
                    responseSchema: .success([
                        "message": .string, "key": .string, "value": Self.settingValue, "requires_restart": .boolean,
                    ]),
                    errors: Self.writeErrors)
            ) { request in
                let name = request.parameter("key")
                guard let value = try object(request)["value"] else { throw HTTPError.badRequest("Missing field 'value'") }
                let updated = try await apply(changes(from: [name: value], mask: "********"))
                let spec = try known(name)
                return .success([
                    "message": .string("Setting '\(name)' updated successfully"), "key": .string(name),
                    "value": plain(spec.key, mask: "********"),
                    "requires_restart": .bool(updated.contains { $0.spec.requiresRestart }),
                ])
            },
            .get(
                "/api/config/status", .permission("settings:read"),
                RouteDoc(
                    "Whether the last config reload succeeded, when, and its errors",
                    tag: "settings",
                    response: [
                        "ok": true, "checked_at": 1_767_225_600.0, "loaded_at": 1_767_225_600.0,
                        "files": ["applianced.toml"], "errors": [],
                    ],
                    responseSchema: Self.statusSchema)
            ) { _ in
                .json(statusBody())
            },
        ]
    }
}
