public import HTTP
public import Config
import Core

#if canImport(Glibc)
    import Glibc
#endif

extension SettingsRoutes {
    /// A change a request asked for: the name it used and the setting it names.
    struct Change {
        let name: String
        let spec: SettingSpec
        let value: TOMLValue
    }

    func object(_ request: Request) throws(HTTPError) -> [String: JSON] {
        guard let members = try request.json().objectValue else { throw HTTPError.badRequest("Request body must be a JSON object") }
        return members
    }

    func known(_ name: String) throws(HTTPError) -> SettingSpec {
        guard let spec = store.schema.spec(named: name) else { throw HTTPError.notFound("Unknown setting '\(name)'") }
        return spec
    }

    /// Typed changes from a JSON object; a masked secret sent back as it was shown is left out.
    func changes(from members: [String: JSON], mask: String) throws(HTTPError) -> [Change] {
        var result: [Change] = []
        for name in members.keys.sorted() {
            guard let json = members[name] else { continue }
            guard let spec = store.schema.spec(named: name) else { throw HTTPError.badRequest("Unknown setting '\(name)'") }
            if spec.secret, let text = json.stringValue, text == mask || text == "****" || text == "********" { continue }
            guard let value = spec.value(fromJSON: json) else {
                throw HTTPError.badRequest("Invalid value for '\(name)': '\(spec.key)' must be \(spec.expectation)")
            }
            if let problem = spec.problem(with: value) { throw HTTPError.badRequest("Invalid value for '\(name)': \(problem)") }
            result.append(Change(name: name, spec: spec, value: value))
        }
        return result
    }

    /// Writes the changes; returns those that changed a value.
    @discardableResult
    /// The write (read, check, temp file, fsync, rename, fsync of the directory) runs on `BlockingWork`: a
    /// slow SD card holds a Dispatch thread, never one of the cooperative pool's.
    func apply(_ changes: [Change]) async throws(HTTPError) -> [Change] {
        let store = store
        let pairs: [(name: String, value: TOMLValue?)] = changes.map { ($0.name, $0.value) }
        let outcome: Result<(before: ConfigSnapshot, after: ConfigSnapshot), ConfigWriteError>
        do {
            outcome = try await BlockingWork.run {
                let before = store.snapshot
                do throws(ConfigWriteError) {
                    return .success((before, try store.update(pairs)))
                } catch {
                    return .failure(error)
                }
            }
        } catch {
            throw HTTPError.serverError()
        }
        switch outcome {
        case .success(let snapshots):
            return changes.filter { snapshots.before.values[$0.spec.key] != snapshots.after.values[$0.spec.key] }
        case .failure(let error):
            throw SettingsRoutes.httpError(error, store: store)
        }
    }

    /// The answer to a failed config write, for every route that writes settings (the alert settings too). File names
    /// are shown relative to the config directory: no server path goes out.
    public static func httpError(_ error: ConfigWriteError, store: ConfigStore) -> HTTPError {
        func list(_ issues: [ConfigIssue]) -> String { issues.map(store.display).joined(separator: "; ") }
        switch error {
        case .unknownKey(let key): return .badRequest("Unknown setting '\(key)'")
        case .invalidValue(let key, let message): return .badRequest("Invalid value for '\(key)': \(message)")
        case .overridden(let key, let source):
            return .conflict(
                "Setting '\(key)' is set by \(source.kind == "environment" ? "the environment" : "a drop-in") and cannot be changed here",
                detail: store.display(source))
        case .fileInvalid(let issue): return .conflict("The config file has errors; fix it first", detail: store.display(issue))
        case .fileUnreadable(let file, let reason):
            return .conflict("The config file cannot be read, so it was not changed", detail: "\(store.displayName(of: file)): \(reason)")
        case .rejected(let issues):
            let message = issues.first.flatMap { issue in issue.key.map { "Invalid value for '\($0)': \(issue.message)" } }
            return .badRequest(message ?? "The change makes the configuration invalid", detail: list(issues))
        case .configInvalid(let issues):
            return .conflict("The configuration has errors; fix them first (the change was not written)", detail: list(issues))
        case .notInForce(let key, let issues):
            return .conflict("'\(key)' was written but is not in force", detail: issues.isEmpty ? nil : list(issues))
        case .editFailed(_, let message): return .conflict("Cannot edit the config file: \(message)")
        case .io(let error) where error.code == ENOSPC || error.code == EDQUOT:
            return HTTPError(
                status: 507, code: "INSUFFICIENT_STORAGE", message: "No space left to write the config file; nothing was changed")
        case .io: return .serverError("Failed to write the config file; nothing was changed")
        }
    }

    /// A value for a response: secrets masked when set.
    func plain(_ name: String, mask: String) -> JSON {
        guard let spec = store.schema.spec(named: name), let value = store.snapshot.values[spec.key] else { return .null }
        if spec.secret { return value.stringValue?.isEmpty == false ? .string(mask) : "" }
        return value.plainJSON
    }

    func applianceSettings() -> JSON {
        .object(Dictionary(uniqueKeysWithValues: Self.applianceKeys.map { ($0, plain($0, mask: "****")) }))
    }

    /// 004's `{key, value, description}`, plus where the value came from.
    func describe(_ spec: SettingSpec, mask: String) -> JSON {
        let source = store.snapshot.sources[spec.key] ?? .defaultValue
        return [
            "key": .string(spec.key), "value": plain(spec.key, mask: mask), "description": .string(spec.summary),
            "source": .string(source.kind), "requires_restart": .bool(spec.requiresRestart),
        ]
    }

    func serverSetting(_ spec: SettingSpec) -> JSON {
        let source = store.snapshot.sources[spec.key] ?? .defaultValue
        return [
            "key": .string(spec.key), "value": plain(spec.key, mask: "********"), "description": .string(spec.summary),
            "category": .string(spec.table), "data_type": .string(dataType(spec.type)), "is_secret": .bool(spec.secret),
            "requires_restart": .bool(spec.requiresRestart), "source": .string(source.kind), "origin": .string(store.display(source)),
            "default_value": spec.secret ? .null : spec.defaultValue.plainJSON, "allowed": .string(spec.expectation),
        ]
    }

    func dataType(_ type: SettingType) -> String {
        switch type {
        case .string, .url, .path, .choice: return "string"
        case .integer: return "integer"
        case .float: return "number"
        case .bool: return "boolean"
        case .stringList: return "array"
        }
    }

    static let integrationNames = ["sonarr", "radarr", "prowlarr", "overseerr", "tautulli", "stash", "tmdb"]

    /// 002's shape: `services` lists Plex and every enabled integration.
    func systemConfiguration() -> JSON {
        let snapshot = store.snapshot
        let services = ["plex"] + Self.integrationNames.filter { snapshot.bool("integrations.\($0).enabled") }
        return [
            "domain": .string(snapshot.string("server.domain")), "media_dir": .string(snapshot.string("plex.media_path")),
            "downloads_dir": .string(snapshot.string("storage.downloads_dir")), "services": .array(services.map { .string($0) }),
        ]
    }

    func configurationChanges(_ members: [String: JSON]) throws(HTTPError) -> [Change] {
        var plainMembers = members
        var result: [Change] = []
        if let services = plainMembers.removeValue(forKey: "services") {
            guard let names = services.arrayValue?.compactMap(\.stringValue), names.count == services.arrayValue?.count else {
                throw HTTPError.badRequest("Invalid value for 'services': must be an array of service names")
            }
            for name in names where name != "plex" && !Self.integrationNames.contains(name) {
                throw HTTPError.badRequest("Unknown service '\(name)'", detail: "Known: plex, " + Self.integrationNames.joined(separator: ", "))
            }
            for name in Self.integrationNames {
                let key = "integrations.\(name).enabled"
                guard let spec = store.schema.spec(named: key) else { continue }
                result.append(Change(name: key, spec: spec, value: .bool(names.contains(name))))
            }
        }
        let renamed = ["domain": "server.domain", "media_dir": "plex.media_path", "downloads_dir": "storage.downloads_dir"]
        for name in plainMembers.keys where renamed[name] == nil { throw HTTPError.badRequest("Unknown setting '\(name)'") }
        return result + (try changes(from: plainMembers, mask: "****"))
    }

    func statusBody() -> JSON {
        let status = store.status
        func shape(_ issue: ConfigIssue) -> JSON {
            [
                "file": JSON(issue.file.map(store.displayName(of:))), "line": issue.line.map { JSON($0) } ?? .null,
                "column": issue.column.map { JSON($0) } ?? .null, "key": JSON(issue.key), "message": .string(issue.message),
                "text": .string(store.display(issue)),
            ]
        }
        return [
            "ok": .bool(status.ok), "checked_at": .double(status.checkedAt), "loaded_at": status.loadedAt.map(JSON.double) ?? .null,
            "files": .array(status.files.map { .string(store.displayName(of: $0)) }), "errors": .array(status.issues.map(shape)),
            "warnings": .array(status.warnings.map(shape)),
        ]
    }
}

extension SettingsRoutes {
    /// What a config write can answer besides 400: 409 (set by the environment or a drop-in, a broken
    /// file, not in force) and 507 (disk full).
    static let writeErrors = [409, 507]

    /// A setting's value as JSON: a string, number, boolean or list (secrets masked); null when unset.
    static let settingValue = Schema(["type": ["string", "integer", "number", "boolean", "array", "object", "null"]])

    /// 004's `{key, value, description, source, requires_restart}`.
    static let settingSchema = Schema.object([
        "key": .string, "value": settingValue, "description": .string, "source": .string, "requires_restart": .boolean,
    ])

    /// 003's setting with its category, type, default and what it accepts, and where its value was read
    /// (`origin`: `applianced.toml:12:1`, `drop-in conf.d/50-site.toml:2:1`, `environment variable …`, `default`).
    static let serverSettingSchema = Schema.object([
        "key": .string, "value": settingValue, "description": .string, "category": .string, "data_type": .string,
        "is_secret": .boolean, "requires_restart": .boolean, "source": .string, "origin": .string, "default_value": settingValue,
        "allowed": .string,
    ])

    /// 002's system configuration.
    static let configurationSchema = Schema.object([
        "domain": .string, "media_dir": .string, "downloads_dir": .string, "services": .array(.string),
    ])

    /// The last reload's outcome and the problems found in the files.
    static let statusSchema = Schema.object([
        "ok": .boolean, "checked_at": .number, "loaded_at": .nullable(.number), "files": .array(.string),
        "errors": .array(
            .object([
                "file": .nullable(.string), "line": .nullable(.integer), "column": .nullable(.integer), "key": .nullable(.string),
                "message": .string, "text": .string,
            ])),
    ])
}
