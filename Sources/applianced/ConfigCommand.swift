import Config
import Core

#if canImport(Glibc)
    import Glibc
#endif

/// `applianced config decode|get|set|schema`: the TOML parser and the config store at a console.
enum ConfigCommand {
    static let command = Command(
        name: "config", usage: "config decode [FILE] | get KEY | set KEY VALUE | watch KEY | schema [--root DIR]",
        summary: "Decode TOML to tagged JSON, read, write or watch one setting, print the settings table"
    ) { arguments in
        guard let sub = arguments.first else {
            CommandLineTool.printError("applianced config: missing subcommand (decode, get, set, schema)")
            return 2
        }
        let rest = Array(arguments.dropFirst())
        do {
            switch sub {
            case "decode": return try decode(rest)
            case "get": return try get(rest)
            case "set": return try set(rest)
            case "watch": return try watch(rest)
            case "schema":
                _ = try ParsedOptions(rest, valued: [])
                print(DefaultConfigFile.markdown(), terminator: "")
                return 0
            default:
                CommandLineTool.printError("applianced config: unknown subcommand '\(sub)'")
                return 2
            }
        } catch {
            CommandLineTool.printError("applianced config \(sub): \(error)")
            return 2
        }
    }

    /// Prints the document as the toml-test suites' tagged JSON; exits 1 with `file:line:column: message`.
    static func decode(_ arguments: [String]) throws(UsageError) -> Int32 {
        let options = try ParsedOptions(arguments, valued: [], maxPositional: 1)
        let file = options.positional.first ?? "-"
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.read(file == "-" ? "/dev/stdin" : file)
        } catch {
            CommandLineTool.printError("Failed to read '\(file)': \(error)")
            return 1
        }
        do {
            let document = try TOMLDocument.parse(bytes, file: file == "-" ? "<stdin>" : file)
            print(String(decoding: TOMLValue.table(document.root).taggedJSON.encoded(), as: UTF8.self))
            return 0
        } catch {
            CommandLineTool.printError(error.description)
            return 1
        }
    }

    static func get(_ arguments: [String]) throws(UsageError) -> Int32 {
        let options = try ParsedOptions(arguments, valued: ["--root"], maxPositional: 1)
        guard let key = options.positional.first else { throw UsageError("missing KEY") }
        let store = ConfigStore(paths: ConfigPaths(root: options.values["--root"] ?? "/"), environment: ConfigStore.processEnvironment())
        guard let spec = store.schema.spec(named: key) else { throw UsageError("unknown setting '\(key)'") }
        for issue in store.status.issues { CommandLineTool.printError(issue.description) }
        let snapshot = store.snapshot
        let value = spec.secret ? "\"****\"" : snapshot.values[spec.key]?.tomlText ?? ""
        print("\(spec.key) = \(value)  # \(snapshot.sources[spec.key]?.description ?? "default")")
        return store.status.ok ? 0 : 1
    }

    static func set(_ arguments: [String]) throws(UsageError) -> Int32 {
        let options = try ParsedOptions(arguments, valued: ["--root"], maxPositional: 2)
        guard options.positional.count == 2 else { throw UsageError("usage: config set KEY VALUE [--root DIR]") }
        let store = ConfigStore(
            paths: ConfigPaths(root: options.values["--root"] ?? "/"), environment: ConfigStore.processEnvironment(),
            writeDefaults: true)
        do {
            try store.update(options.positional[0], text: options.positional[1])
            return 0
        } catch {
            CommandLineTool.printError("Failed to set '\(options.positional[0])': \(error)")
            return 1
        }
    }

    /// Prints `<unix ns> KEY=VALUE` now and after every reload that changes it (inotify on the config directories),
    /// until interrupted: a console view of live edits, and what `bench/config-reload.sh` times.
    static func watch(_ arguments: [String]) throws(UsageError) -> Int32 {
        let options = try ParsedOptions(arguments, valued: ["--root"], maxPositional: 1)
        guard let key = options.positional.first else { throw UsageError("missing KEY") }
        let store = ConfigStore(paths: ConfigPaths(root: options.values["--root"] ?? "/"), environment: ConfigStore.processEnvironment())
        guard let spec = store.schema.spec(named: key) else { throw UsageError("unknown setting '\(key)'") }
        @Sendable func show(_ snapshot: ConfigSnapshot) {
            var now = timespec()
            clock_gettime(CLOCK_REALTIME, &now)
            let value = spec.secret ? "\"****\"" : snapshot.values[spec.key]?.tomlText ?? ""
            let line = Array("\(Int(now.tv_sec) * 1_000_000_000 + now.tv_nsec) \(spec.key)=\(value)\n".utf8)
            line.withUnsafeBytes { _ = write(1, $0.baseAddress, $0.count) }
        }
        show(store.snapshot)
        store.subscribe { event in
            if case .changed(let snapshot) = event { show(snapshot) }
        }
        do {
            try store.startWatching()
        } catch {
            CommandLineTool.printError("Failed to watch '\(store.paths.directory)': \(error)")
            return 1
        }
        while true { pause() }
    }
}
