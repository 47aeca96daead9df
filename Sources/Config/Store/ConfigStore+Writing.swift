public import Core
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// Why settings could not be written; the files are left as they were.
public enum ConfigWriteError: Error, Sendable, CustomStringConvertible {
    case unknownKey(String)
    case invalidValue(key: String, message: String)
    /// A drop-in or the environment sets the key, so a change in the files the API writes would not take effect.
    case overridden(key: String, source: ConfigSource)
    /// The file to edit has a syntax error; it must be fixed by hand first.
    case fileInvalid(ConfigIssue)
    /// The file to edit exists but cannot be read (too large, not a regular file, no permission): nothing is written,
    /// so that a read failure never turns into an empty file.
    case fileUnreadable(file: String, ConfigReadError)
    /// The change would make the configuration invalid.
    case rejected([ConfigIssue])
    /// The configuration has errors the change does not fix (a bad key elsewhere, a wrong type), so the files are
    /// not in force and a written value would not be either; they must be fixed first.
    case configInvalid([ConfigIssue])
    /// The files were written, but a reload did not put the value in force (the files changed again meanwhile).
    case notInForce(key: String, issues: [ConfigIssue])
    case editFailed(key: String, message: String)
    case io(SystemError)

    public var description: String {
        switch self {
        case .unknownKey(let key): return "unknown setting '\(key)'"
        case .invalidValue(_, let message): return message
        case .overridden(let key, let source): return "'\(key)' is set by \(source) and cannot be changed here"
        case .fileInvalid(let issue): return "cannot edit a file with errors: \(issue)"
        case .fileUnreadable(let file, let error): return "cannot edit \(file): \(error); it was left as it is"
        case .rejected(let issues): return issues.map(\.description).joined(separator: "; ")
        case .configInvalid(let issues):
            return "the configuration has errors; fix them first: " + issues.map(\.description).joined(separator: "; ")
        case .notInForce(let key, let issues):
            return "'\(key)' was written but is not in force: " + issues.map(\.description).joined(separator: "; ")
        case .editFailed(let key, let message): return "cannot change '\(key)': \(message)"
        case .io(let error): return "\(error)"
        }
    }
}

extension ConfigStore {
    /// Sets settings by full key or alias (a nil value removes the key from its file, so the default applies).
    /// Only the changed keys are written, each in the file that defines it (secrets in `secrets.toml`), atomically,
    /// keeping mode and owner, and applied to the file as it is on disk now, so a newer hand edit is never lost.
    /// Nothing is written when a file to edit cannot be read or when the edited files would not load as they are (a
    /// problem of the change: `rejected`; one the files already had: `configInvalid`). Returns the settings in force
    /// afterwards, each written value among them (`notInForce` otherwise).
    @discardableResult
    public func update(_ changes: [(name: String, value: TOMLValue?)]) throws(ConfigWriteError) -> ConfigSnapshot {
        let current = snapshot
        var byFile: [String: [(SettingSpec, TOMLValue?)]] = [:]
        for (name, value) in changes {
            guard let spec = schema.spec(named: name) else { throw .unknownKey(name) }
            if let value, let problem = spec.problem(with: value) { throw .invalidValue(key: spec.key, message: problem) }
            let source = current.sources[spec.key] ?? .defaultValue
            if source.isOverride { throw .overridden(key: spec.key, source: source) }
            if value == current.values[spec.key], value != nil || source == .defaultValue { continue }
            let file: String
            if case .file(let path, _, _) = source {
                file = path
            } else {
                file = spec.secret ? paths.secretsFile : paths.mainFile
            }
            byFile[file, default: []].append((spec, value))
        }
        if byFile.isEmpty {
            // Every change matched the value shown; while the files are not in force that value may not be either.
            let status = self.status
            if !changes.isEmpty && !status.ok { throw .configInvalid(status.issues) }
            return current
        }
        try writeLock.withLock { _ throws(ConfigWriteError) in try write(byFile) }
        let status = reload()
        let after = snapshot
        for (spec, value) in byFile.values.flatMap({ $0 }) {
            let inForce = value.map { after.values[spec.key] == $0 } ?? (after.sources[spec.key] == .defaultValue)
            if !status.ok || !inForce { throw .notInForce(key: spec.key, issues: status.issues) }
        }
        return after
    }

    /// Sets one setting from text (the command line): parsed as the setting's type.
    @discardableResult
    public func update(_ name: String, text: String) throws(ConfigWriteError) -> ConfigSnapshot {
        guard let spec = schema.spec(named: name) else { throw .unknownKey(name) }
        guard let value = spec.value(fromText: text) else {
            throw .invalidValue(key: spec.key, message: "'\(spec.key)' must be \(spec.expectation)")
        }
        return try update([(name, value)])
    }

    private func write(_ byFile: [String: [(SettingSpec, TOMLValue?)]]) throws(ConfigWriteError) {
        do {
            try FileSystem.makeDirectories(paths.directory)
        } catch {
            throw .io(error)
        }
        let directory = open(paths.directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directory >= 0 else { throw .io(SystemError(code: errno, call: "open", subject: paths.directory)) }
        defer { close(directory) }
        // Other writers (`applianced config set` at a console) take the same lock.
        _ = try? retryingSyscall("flock", paths.directory) { flock(directory, LOCK_EX) }
        defer { flock(directory, LOCK_UN) }
        removeStaleTemporaryFiles()
        for attempt in 1...5 {
            var read: [String: [UInt8]] = [:]
            var edited: [String: [UInt8]] = [:]
            for (file, changes) in byFile {
                let before = try readForEdit(file)
                read[file] = before
                edited[file] = try apply(changes, to: before, file: file)
            }
            // The candidate files must load as they are, with the loader's own rules (size, syntax, schema, the
            // checks between settings), so that no write ever leaves a configuration the daemon would refuse.
            let candidate = loader.load(overrides: edited).issues
            if !candidate.isEmpty {
                // Compared without line and column: an edit above an old problem moves it.
                func identity(_ issue: ConfigIssue) -> String { "\(issue.file ?? "")|\(issue.key ?? "")|\(issue.message)" }
                let baseline = Set(loader.load().issues.map(identity))
                let fresh = candidate.filter { !baseline.contains(identity($0)) }
                throw fresh.isEmpty ? .configInvalid(candidate) : .rejected(fresh)
            }
            // A hand edit that landed since the read: start again from the new text (the change is re-applied to it).
            var unchanged = true
            for (file, before) in read {
                if try readForEdit(file) != before { unchanged = false }
            }
            if !unchanged {
                if attempt < 5 { continue }
                throw .editFailed(
                    key: byFile.values.flatMap { $0 }.map(\.0.key).joined(separator: ", "),
                    message: "the file kept changing while it was being written; try again")
            }
            for (file, bytes) in edited.sorted(by: { $0.key < $1.key }) {
                do {
                    try FileSystem.writeAtomically(file, bytes, mode: file == paths.secretsFile ? 0o600 : 0o644)
                } catch {
                    throw .io(error)
                }
            }
            return
        }
    }

    /// A file's bytes before an edit: empty when it does not exist; any other failure stops the write.
    private func readForEdit(_ file: String) throws(ConfigWriteError) -> [UInt8] {
        do {
            return try ConfigFile.read(file, limit: loader.sizeLimit)
        } catch .missing {
            return []
        } catch {
            throw .fileUnreadable(file: file, error)
        }
    }

    private func apply(_ changes: [(SettingSpec, TOMLValue?)], to bytes: [UInt8], file: String) throws(ConfigWriteError) -> [UInt8] {
        var bytes = bytes
        for (spec, value) in changes {
            let document: TOMLDocument
            do {
                document = try TOMLDocument.parse(bytes, file: file)
            } catch {
                throw .fileInvalid(ConfigIssue(error))
            }
            do {
                if let value {
                    bytes = try TOMLEditor.set(spec.path, to: value, in: document)
                } else {
                    bytes = try TOMLEditor.remove(spec.path, from: document)
                }
            } catch {
                throw .editFailed(key: spec.key, message: error.message)
            }
        }
        return bytes
    }

    /// A writer killed between `mkstemp` and `rename` leaves `.<name>.XXXXXX` behind; every writer holds the
    /// directory lock from `mkstemp` to `rename`, so under that lock such files are stale.
    private func removeStaleTemporaryFiles() {
        let prefixes = [FileSystem.baseName(of: paths.mainFile), FileSystem.baseName(of: paths.secretsFile)].map { "." + $0 + "." }
        for name in FileSystem.list(paths.directory) {
            guard let prefix = prefixes.first(where: { name.hasPrefix($0) }), name.count == prefix.count + 6 else { continue }
            unlink(paths.directory + "/" + name)
        }
    }
}
