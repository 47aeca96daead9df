import Core

/// Reads and merges the layers (defaults < applianced.toml < secrets.toml < conf.d/*.toml < environment) and
/// validates them, collecting every problem. A configuration with any problem yields no snapshot.
public struct ConfigLoader: Sendable {
    public let paths: ConfigPaths
    public let schema: SettingsSchema
    public let environment: [String: String]

    /// The most syntax errors reported for one file.
    public static let maximumSyntaxErrors = 20

    /// The largest file read (4 MiB; tests choose a small one).
    public let sizeLimit: Int

    public init(paths: ConfigPaths, schema: SettingsSchema = .standard, environment: [String: String], sizeLimit: Int = ConfigFile.sizeLimit) {
        self.paths = paths
        self.schema = schema
        self.environment = environment
        self.sizeLimit = sizeLimit
    }

    /// The outcome of one load: the snapshot when there was no problem, the problems, and the parsed files.
    public struct Result: Sendable {
        public let snapshot: ConfigSnapshot?
        public let issues: [ConfigIssue]
        /// Oddities that do not stop the load (an empty `applianced.toml`).
        public let warnings: [ConfigIssue]
        /// Path to its document as read, for files that parsed.
        public let documents: [String: TOMLDocument]
        /// The files that took part, in precedence order.
        public let files: [String]
    }

    /// Loads from disk; `overrides` replaces a file's bytes (a write is validated before it lands).
    public func load(overrides: [String: [UInt8]] = [:]) -> Result {
        var values = Dictionary(uniqueKeysWithValues: schema.specs.map { ($0.key, $0.defaultValue) })
        var sources = Dictionary(uniqueKeysWithValues: schema.specs.map { ($0.key, ConfigSource.defaultValue) })
        var issues: [ConfigIssue] = []
        var documents: [String: TOMLDocument] = [:]
        var files: [String] = []
        var warnings: [ConfigIssue] = []
        let layers = [(paths.mainFile, false), (paths.secretsFile, false)] + paths.dropInFiles().map { ($0, true) }
        for (path, isDropIn) in layers {
            let bytes: [UInt8]
            if let override = overrides[path] {
                guard override.count <= sizeLimit else {
                    let problem = ConfigReadError.tooLarge(bytes: override.count, limit: sizeLimit)
                    issues.append(ConfigIssue(file: path, line: nil, column: nil, key: nil, message: "\(problem)"))
                    continue
                }
                bytes = override
            } else {
                do {
                    bytes = try ConfigFile.read(path, limit: sizeLimit)
                } catch .missing {
                    continue
                } catch {
                    let skipped = if case .notRegularFile = error { "; skipped" } else { "" }
                    issues.append(ConfigIssue(file: path, line: nil, column: nil, key: nil, message: "\(error)\(skipped)"))
                    continue
                }
            }
            files.append(path)
            if bytes.isEmpty && path == paths.mainFile {
                warnings.append(
                    ConfigIssue(
                        file: path, line: nil, column: nil, key: nil,
                        message: "the file is empty: every setting has its default (a fresh root gets the commented default file)"))
            }
            let parsed = TOMLDocument.parseReportingErrors(bytes, file: path, limit: Self.maximumSyntaxErrors)
            guard let document = parsed.document else {
                issues += parsed.errors.map(ConfigIssue.init)
                continue
            }
            documents[path] = document
            let (found, problems) = check(document)
            issues += problems
            for (spec, value, line, column) in found {
                values[spec.key] = value
                sources[spec.key] = isDropIn ? .dropIn(path: path, line: line, column: column) : .file(path: path, line: line, column: column)
            }
        }
        for name in environment.keys.sorted() {
            guard let spec = schema.spec(forEnvironment: name), let text = environment[name] else { continue }
            guard let value = spec.value(fromText: text) else {
                issues.append(
                    ConfigIssue(
                        file: nil, line: nil, column: nil, key: spec.key,
                        message: "environment variable \(name): '\(spec.key)' must be \(spec.expectation)"))
                continue
            }
            if let problem = spec.problem(with: value) {
                issues.append(ConfigIssue(file: nil, line: nil, column: nil, key: spec.key, message: "environment variable \(name): \(problem)"))
                continue
            }
            values[spec.key] = value
            sources[spec.key] = .environment(name: name)
        }
        issues += crossChecks(values, sources)
        let snapshot = issues.isEmpty ? ConfigSnapshot(schema: schema, values: values, sources: sources) : nil
        return Result(snapshot: snapshot, issues: issues, warnings: warnings, documents: documents, files: files)
    }

    /// The settings a file sets and the problems in it (unknown tables and keys, wrong types, out of range).
    func check(_ document: TOMLDocument) -> ([(SettingSpec, TOMLValue, Int, Int)], [ConfigIssue]) {
        var found: [(SettingSpec, TOMLValue, Int, Int)] = []
        var issues: [ConfigIssue] = []
        let tables = schema.tableNames
        func place(_ path: [String]) -> (Int, Int) {
            if let entry = document.entry(for: path) { return (entry.line, entry.column) }
            if case .header(let section)? = document.tables[path] {
                let location = document.location(of: document.sections[section].headerStart)
                return (location.line, location.column)
            }
            if path.count > 1 { return place(Array(path.dropLast())) }
            return (1, 1)
        }
        func walk(_ table: [String: TOMLValue], _ prefix: [String]) {
            for name in table.keys.sorted() {
                guard let value = table[name] else { continue }
                let path = prefix + [name]
                let key = path.joined(separator: ".")
                let (line, column) = place(path)
                if let spec = schema.spec(at: path), spec.key == key {
                    if let problem = spec.problem(with: value) {
                        issues.append(ConfigIssue(file: document.file, line: line, column: column, key: key, message: problem))
                    } else {
                        found.append((spec, value, line, column))
                    }
                } else if case .table(let inner) = value, tables.contains(key) {
                    walk(inner, path)
                } else {
                    let what = tables.contains(prefix.joined(separator: ".")) || prefix.isEmpty ? "key" : "table"
                    let message =
                        prefix.isEmpty && value.tableValue != nil
                        ? "unknown table '\(key)'" : "unknown \(what) '\(key)'"
                    issues.append(ConfigIssue(file: document.file, line: line, column: column, key: key, message: message))
                }
            }
        }
        walk(document.root, [])
        return (found, issues)
    }

    /// Checks between settings (each warning threshold below its critical one, a sender for the mail server) and of
    /// values whose shape the type does not say (the sender's address).
    func crossChecks(_ values: [String: TOMLValue], _ sources: [String: ConfigSource]) -> [ConfigIssue] {
        var issues: [ConfigIssue] = []
        for prefix in ["cpu", "memory", "disk"] {
            issues += ordered("alerts.\(prefix)_warning_percent", below: "alerts.\(prefix)_critical_percent", values, sources)
        }
        issues += ordered("alerts.temperature_warning_c", below: "alerts.temperature_critical_c", values, sources)
        if let smtp = values["email.smtp_url"]?.stringValue, let from = values["email.from"]?.stringValue {
            if !smtp.isEmpty && from.isEmpty {
                issues.append(issue("'email.from' must be set when 'email.smtp_url' is", at: ["email.smtp_url", "email.from"], sources))
            } else if !from.isEmpty && !Self.isMailAddress(from) {
                issues.append(issue("'email.from' must be an address such as applianced@example.com", at: ["email.from"], sources))
            }
        }
        return issues
    }

    func ordered(_ low: String, below high: String, _ values: [String: TOMLValue], _ sources: [String: ConfigSource]) -> [ConfigIssue] {
        guard let a = values[low]?.integerValue, let b = values[high]?.integerValue, a >= b else { return [] }
        return [issue("'\(low)' (\(a)) must be below '\(high)' (\(b))", at: [low, high], sources)]
    }

    /// An issue placed where the first of `keys` not at its default was set (the first key names it).
    func issue(_ message: String, at keys: [String], _ sources: [String: ConfigSource]) -> ConfigIssue {
        let key = keys[0]
        switch keys.compactMap({ sources[$0] }).first(where: { $0 != .defaultValue }) {
        case .file(let path, let line, let column)?, .dropIn(let path, let line, let column)?:
            return ConfigIssue(file: path, line: line, column: column, key: key, message: message)
        default:
            return ConfigIssue(file: nil, line: nil, column: nil, key: key, message: message)
        }
    }

    /// `local@domain`, printable ASCII or UTF-8 without spaces, quotes, angle brackets or separators: what goes into
    /// SMTP's `MAIL FROM:<…>` and a `From:` header as it is.
    static func isMailAddress(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, text.utf8.count <= 254 else { return false }
        return !text.utf8.contains { $0 <= 0x20 || $0 == 0x7f || "<>()[]\\,;:\"".utf8.contains($0) }
    }
}
