import Core
import FoundationEssentials
public import HTTP
import Store

/// 003's libraries (`/api/v1/libraries*`): an admin defines libraries (folders under the library
/// roots), scans them and grants users access; a user sees only the libraries granted to them.
public struct LibraryRoutes: RouteProvider {
    let catalog: CatalogService

    public init(catalog: CatalogService) {
        self.catalog = catalog
    }

    static let kinds = Library.Kind.allCases.map(\.rawValue)
    static let scanSchema = Schema.object(
        ["id": .string, "library_id": .string, "scan_type": .oneOf(["full", "incremental", "metadata"]), "status": .string, "created_at": .dateTime],
        optional: [
            "items_scanned": .integer, "items_added": .integer, "items_updated": .integer, "items_removed": .integer, "error_count": .integer,
            "error_message": .nullable(.string), "errors": .array(.string), "started_at": .nullable(.dateTime),
            "completed_at": .nullable(.dateTime), "job_id": .nullable(.string),
        ])
    static let librarySchema = Schema.object(
        [
            "id": .string, "name": .string, "type": .oneOf(kinds), "paths": .array(.string), "enabled": .boolean, "scan_on_startup": .boolean,
            "realtime_monitoring": .boolean, "created_at": .dateTime, "updated_at": .dateTime,
        ],
        optional: [
            "metadata_provider": .string, "preferred_language": .string, "scanner_config": .map(.any),
            "latest_scan": .nullable(scanSchema),
        ])
    static let permissionSchema = Schema.object([
        "id": .string, "library_id": .string, "user_id": .string, "permission": .oneOf(["view", "download", "manage"]), "created_at": .dateTime,
    ])
    static let writeFields: [String: Schema] = [
        "name": .string(maxLength: 255), "paths": .array(.string(maxLength: 4096)), "enabled": .boolean, "scan_on_startup": .boolean,
        "realtime_monitoring": .boolean, "metadata_provider": .oneOf(["tmdb", "none"]), "preferred_language": .string(maxLength: 35),
        "scanner_config": .map(.any),
    ]
    static let idTypes: [String: Schema] = ["libraryId": .string(maxLength: 64), "userId": .string(maxLength: 64)]

    public var routes: [Route] {
        let catalog = catalog
        return [
            Route.get(
                "/api/v1/libraries", .permission("libraries:read"),
                RouteDoc(
                    "The libraries you may see, by name, each with its latest scan (003)", tag: "libraries",
                    responseSchema: .object(["libraries": .array(Self.librarySchema), "total": .integer]))
            ) { request in
                let principal = request.principal
                let list = try await catalog.perform { connection in
                    try LibraryStore.list(connection, scope: LibraryScope.of(principal, connection: connection)).map {
                        Self.library($0, latest: try LibraryStore.latestScan(connection, libraryID: $0.id))
                    }
                }
                return .json(["libraries": .array(list), "total": JSON(list.count)])
            },
            Route.post(
                "/api/v1/libraries", .permission("libraries:write"),
                RouteDoc(
                    "Create a library over folders under the library roots (003); scan it with /scan", tag: "libraries",
                    request: ["name": "Movies", "type": "movie", "paths": ["/srv/media/movies"]], status: 201,
                    requestSchema: .object(["name": .string(maxLength: 255), "type": .oneOf(Self.kinds), "paths": .array(.string(maxLength: 4096))],
                                           optional: Self.writeFields),
                    responseSchema: Self.librarySchema, errors: [409])
            ) { request in
                let fields = try request.fields()
                let now = catalog.clock()
                var library = Library(
                    id: UUID().uuidString.lowercased(), name: try Self.name(fields), kind: try Self.kind(fields),
                    paths: try Self.paths(fields, catalog) ?? [], createdAt: now, updatedAt: now)
                try Self.apply(fields, to: &library)
                let fresh = library
                let created = try await catalog.transaction { connection in try LibraryStore.insert(connection, fresh) }
                catalog.watcher.reload()
                if created.scanOnStartup && created.enabled {
                    _ = try await catalog.perform { connection in try catalog.scanner.enqueue(connection, library: created, type: "incremental") }
                }
                return .json(Self.library(created, latest: nil), status: 201)
            },
            Route.get(
                "/api/v1/libraries/{libraryId}", .permission("libraries:read"),
                RouteDoc("One library with its latest scan (003)", tag: "libraries", parameterTypes: Self.idTypes, responseSchema: Self.librarySchema,
                         errors: [404])
            ) { request in
                let principal = request.principal
                let id = request.parameter("libraryId")
                let answer = try await catalog.perform { connection -> JSON in
                    let library = try Self.visible(connection, id: id, principal: principal)
                    return Self.library(library, latest: try LibraryStore.latestScan(connection, libraryID: id))
                }
                return .json(answer)
            },
            Route.put(
                "/api/v1/libraries/{libraryId}", .permission("libraries:write"),
                RouteDoc(
                    "Change a library's name, folders or settings (003; its kind stays)", tag: "libraries", parameterTypes: Self.idTypes,
                    request: ["name": "Films", "realtime_monitoring": false], requestSchema: .object([:], optional: Self.writeFields),
                    responseSchema: Self.librarySchema, errors: [404, 409])
            ) { request in
                let fields = try request.fields()
                let id = request.parameter("libraryId")
                let name = try fields.optionalString("name", maxBytes: 255).map { _ in try Self.name(fields) }
                let paths = try Self.paths(fields, catalog)
                let now = catalog.clock()
                let updated = try await catalog.transaction { connection -> JSON in
                    guard var library = try LibraryStore.get(connection, id: id) else { throw CatalogError.notFound("No such library") }
                    if let name { library.name = name }
                    if let paths { library.paths = paths }
                    try Self.apply(fields, to: &library)
                    library.updatedAt = now
                    return Self.library(try LibraryStore.update(connection, library), latest: try LibraryStore.latestScan(connection, libraryID: id))
                }
                catalog.watcher.reload()
                return .json(updated)
            },
            Route.delete(
                "/api/v1/libraries/{libraryId}", .permission("libraries:write"),
                RouteDoc(
                    "Delete a library with its items, files' records, scans and grants (003); the files on disk stay", tag: "libraries",
                    parameterTypes: Self.idTypes, status: 204, errors: [404])
            ) { request in
                let id = request.parameter("libraryId")
                let now = catalog.clock()
                let existed = try await catalog.transaction { connection in
                    try connection.execute(
                        """
                        UPDATE jobs SET status = 'cancelled', error = 'library deleted', completed_at = ?, updated_at = ?
                        WHERE kind = 'scan' AND library_id = ? AND status IN ('pending', 'running')
                        """, [.integer(now), .integer(now), .text(id)])
                    return try LibraryStore.delete(connection, id: id)
                }
                guard existed else { throw HTTPError.notFound("No such library") }
                catalog.watcher.reload()
                return .empty()
            },
            Route.post(
                "/api/v1/libraries/{libraryId}/scan", .permission("libraries:write"),
                RouteDoc(
                    "Scan a library (003): incremental (new and changed files), full (every file probed again) or metadata (TMDb again); "
                        + "one scan per library at a time, a second request answers the scan already queued", tag: "libraries",
                    parameterTypes: Self.idTypes, request: ["scan_type": "incremental"], status: 202,
                    requestSchema: .object(["scan_type": .oneOf(["full", "incremental", "metadata"])]), responseSchema: Self.scanSchema,
                    errors: [404, 409])
            ) { request in
                let fields = try request.fields()
                let type = try fields.string("scan_type", maxBytes: 16)
                guard ["full", "incremental", "metadata"].contains(type) else {
                    throw HTTPError.badRequest("Field 'scan_type' must be full, incremental or metadata", detail: "scan_type")
                }
                let id = request.parameter("libraryId")
                let row = try await catalog.perform { connection -> Row in
                    guard let library = try LibraryStore.get(connection, id: id) else { throw CatalogError.notFound("No such library") }
                    guard library.enabled else { throw CatalogError.conflict("Library '\(library.name)' is disabled; enable it to scan it") }
                    return try catalog.scanner.enqueue(connection, library: library, type: type)
                }
                return .json(Self.scan(row), status: 202)
            },
            Route.get(
                "/api/v1/libraries/{libraryId}/scans", .permission("libraries:read"),
                RouteDoc(
                    "A library's scans, newest first, with their counts and errors (003)", tag: "libraries", query: ["limit", "offset"],
                    parameterTypes: Self.idTypes.merging(CatalogQuery.pageTypes()) { $1 },
                    responseSchema: .object(["scans": .array(Self.scanSchema), "total": .integer]), errors: [404])
            ) { request in
                let principal = request.principal
                let id = request.parameter("libraryId")
                let page = try CatalogQuery(request).page()
                let answer = try await catalog.perform { connection -> JSON in
                    _ = try Self.visible(connection, id: id, principal: principal)
                    let scans = try LibraryStore.scans(connection, libraryID: id, limit: page.limit, offset: page.offset)
                    return ["scans": .array(scans.rows.map(Self.scan)), "total": JSON(scans.total)]
                }
                return .json(answer)
            },
            Route.get(
                "/api/v1/libraries/{libraryId}/permissions", .permission("libraries:write"),
                RouteDoc(
                    "Who may see a library (003)", tag: "libraries", parameterTypes: Self.idTypes,
                    responseSchema: .object(["permissions": .array(Self.permissionSchema), "total": .integer]), errors: [404])
            ) { request in
                let id = request.parameter("libraryId")
                let rows = try await catalog.perform { connection -> [Row] in
                    guard try LibraryStore.get(connection, id: id) != nil else { throw CatalogError.notFound("No such library") }
                    return try LibraryStore.permissions(connection, libraryID: id)
                }
                return .json(["permissions": .array(rows.map(Self.permission)), "total": JSON(rows.count)])
            },
            Route.post(
                "/api/v1/libraries/{libraryId}/permissions", .permission("libraries:write"),
                RouteDoc(
                    "Let a user see (view), download from or manage a library (003); granting again answers the grant", tag: "libraries",
                    parameterTypes: Self.idTypes, request: ["user_id": "3f6c…", "permission": "view"], status: 201,
                    requestSchema: .object(["user_id": .string(maxLength: 64), "permission": .oneOf(["view", "download", "manage"])]),
                    responseSchema: Self.permissionSchema, errors: [404])
            ) { request in
                let fields = try request.fields()
                let userID = try fields.string("user_id", maxBytes: 64)
                let permission = try fields.string("permission", maxBytes: 16)
                guard ["view", "download", "manage"].contains(permission) else {
                    throw HTTPError.badRequest("Field 'permission' must be view, download or manage", detail: "permission")
                }
                let id = request.parameter("libraryId")
                let now = catalog.clock()
                let granted = try await catalog.transaction { connection in
                    guard try LibraryStore.get(connection, id: id) != nil else { throw CatalogError.notFound("No such library") }
                    return try LibraryStore.grant(connection, libraryID: id, userID: userID, permission: permission, now: now)
                }
                return .json(Self.permission(granted.row), status: granted.created ? 201 : 200)
            },
            Route.delete(
                "/api/v1/libraries/{libraryId}/permissions/{userId}", .permission("libraries:write"),
                RouteDoc(
                    "Take a user's access to a library away (003): every grant, or only `permission`", tag: "libraries", query: ["permission"],
                    parameterTypes: Self.idTypes.merging(["permission": .oneOf(["view", "download", "manage"])]) { $1 }, status: 204,
                    errors: [404])
            ) { request in
                let id = request.parameter("libraryId")
                let userID = request.parameter("userId")
                let permission = try CatalogQuery(request).choice("permission", ["view", "download", "manage"])
                let revoked = try await catalog.transaction { connection in
                    guard try LibraryStore.get(connection, id: id) != nil else { throw CatalogError.notFound("No such library") }
                    return try LibraryStore.revoke(connection, libraryID: id, userID: userID, permission: permission)
                }
                guard revoked > 0 else { throw HTTPError.notFound("That user holds no such grant on this library") }
                return .empty()
            },
        ].map { $0.documenting(errors: [400]) }
    }

    /// The library when the principal may see it; a hidden one answers as missing.
    static func visible(_ connection: Connection, id: String, principal: Principal) throws -> Library {
        guard let library = try LibraryStore.get(connection, id: id),
            try LibraryScope.of(principal, connection: connection).allows(id)
        else { throw CatalogError.notFound("No such library") }
        return library
    }

    // MARK: Fields

    static func name(_ fields: BodyFields) throws(HTTPError) -> String {
        let name = try fields.string("name", maxBytes: 255).trimmingWhitespace()
        guard !name.isEmpty, !name.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
            throw HTTPError.badRequest("Field 'name' must be a name without control characters", detail: "name")
        }
        return name
    }

    static func kind(_ fields: BodyFields) throws(HTTPError) -> Library.Kind {
        let text = try fields.string("type", maxBytes: 16)
        guard let kind = Library.Kind(rawValue: text) else {
            throw HTTPError.badRequest("Field 'type' must be movie or tvshow (the appliance catalogs video)", detail: "type")
        }
        return kind
    }

    /// The resolved folders when the body names them.
    static func paths(_ fields: BodyFields, _ catalog: CatalogService) throws(HTTPError) -> [String]? {
        guard let paths = try fields.optionalStrings("paths", maxCount: LibraryFolders.maximumCount, maxBytes: LibraryFolders.maximumBytes) else {
            if fields.json["paths"] == nil, fields.json["type"] != nil { throw HTTPError.badRequest("Missing field 'paths'", detail: "paths") }
            return nil
        }
        do { return try LibraryFolders.validate(paths, roots: catalog.settings.libraryRoots) } catch { throw error.httpError }
    }

    /// The optional settings fields.
    static func apply(_ fields: BodyFields, to library: inout Library) throws(HTTPError) {
        if fields.json["enabled"] != nil { library.enabled = try fields.bool("enabled") }
        if fields.json["scan_on_startup"] != nil { library.scanOnStartup = try fields.bool("scan_on_startup") }
        if fields.json["realtime_monitoring"] != nil { library.realtimeMonitoring = try fields.bool("realtime_monitoring") }
        if let provider = try fields.optionalString("metadata_provider", maxBytes: 16) {
            guard ["tmdb", "none"].contains(provider) else {
                throw HTTPError.badRequest("Field 'metadata_provider' must be tmdb or none", detail: "metadata_provider")
            }
            library.metadataProvider = provider
        }
        if let language = try fields.optionalString("preferred_language", maxBytes: 35) {
            guard !language.isEmpty, language.utf8.allSatisfy({ $0 == UInt8(ascii: "-") || ($0 >= 0x30 && $0 <= 0x39) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7a) })
            else { throw HTTPError.badRequest("Field 'preferred_language' must be a language tag like en or pt-BR", detail: "preferred_language") }
            library.preferredLanguage = language
        }
        switch fields.json["scanner_config"] {
        case nil, .null?: break
        case .object(let config)?:
            let encoded = JSON.object(config).encoded()
            guard encoded.count <= 4096 else { throw HTTPError.badRequest("Field 'scanner_config' is larger than 4 KiB", detail: "scanner_config") }
            library.scannerConfig = .object(config)
        default: throw HTTPError.badRequest("Field 'scanner_config' must be an object", detail: "scanner_config")
        }
    }

    // MARK: Answers

    static func library(_ library: Library, latest: Row?) -> JSON {
        [
            "id": .string(library.id), "name": .string(library.name), "type": .string(library.kind.rawValue),
            "paths": .array(library.paths.map(JSON.string)), "enabled": .bool(library.enabled), "scan_on_startup": .bool(library.scanOnStartup),
            "realtime_monitoring": .bool(library.realtimeMonitoring), "metadata_provider": .string(library.metadataProvider),
            "preferred_language": .string(library.preferredLanguage), "scanner_config": library.scannerConfig,
            "latest_scan": latest.map(scan) ?? .null, "created_at": CatalogJSON.time(library.createdAt),
            "updated_at": CatalogJSON.time(library.updatedAt),
        ]
    }

    static func scan(_ row: Row) -> JSON {
        [
            "id": CatalogJSON.value(row["id"]), "library_id": CatalogJSON.value(row["library_id"]), "job_id": CatalogJSON.value(row["job_id"]),
            "scan_type": CatalogJSON.value(row["scan_type"]), "status": CatalogJSON.value(row["status"]),
            "items_scanned": CatalogJSON.value(row["items_scanned"]), "items_added": CatalogJSON.value(row["items_added"]),
            "items_updated": CatalogJSON.value(row["items_updated"]), "items_removed": CatalogJSON.value(row["items_removed"]),
            "error_count": CatalogJSON.value(row["error_count"]), "error_message": CatalogJSON.value(row["error_message"]),
            "errors": CatalogJSON.strings(row["errors"]), "started_at": CatalogJSON.time(row["started_at"].int64Value),
            "completed_at": CatalogJSON.time(row["completed_at"].int64Value), "created_at": CatalogJSON.time(row["created_at"].int64Value),
        ]
    }

    static func permission(_ row: Row) -> JSON {
        [
            "id": CatalogJSON.value(row["id"]), "library_id": CatalogJSON.value(row["library_id"]), "user_id": CatalogJSON.value(row["user_id"]),
            "permission": CatalogJSON.value(row["permission"]), "created_at": CatalogJSON.time(row["created_at"].int64Value),
        ]
    }
}
