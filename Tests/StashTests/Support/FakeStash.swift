import Core
import Stash
import Synchronization
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Stash on 127.0.0.1 for the Stash tests: `POST /graphql` answering the queries the client sends
/// (`findScenes`, `findPerformers`, `findStudios`, `findTags` with page, `updated_at` filter and ids;
/// `findScene`; the connection test; `sceneUpdate`, which it records) from a seeded, deterministic data
/// set: scenes with files, performers with aliases, studios with parents, tags with aliases. It reads
/// only the operation's root field and its variables, not the GraphQL; it checks `ApiKey`, and can
/// misbehave (`behaviour`, `failingUpdates`).
final class FakeStash: Sendable {
    static let key = "stash-api-key-5ecret0123456789"
    /// 2024-01-01T00:00:00Z: every seeded item was created then, and updated a minute per index later.
    static let epoch: Int64 = 1_704_067_200_000

    enum Behaviour: Sendable, Equatable {
        case normal
        /// This status with a short body to every request.
        case status(Int)
        /// 200 with GraphQL `errors`.
        case graphQLErrors
        /// 200 with an HTML page.
        case html
        /// The truth, after `milliseconds`.
        case slow(milliseconds: Int)
        /// 503 to the next `count` requests, then the truth.
        case flaky(count: Int)
    }

    struct Data: Sendable {
        var scenes: [String: JSON] = [:]
        var performers: [String: JSON] = [:]
        var studios: [String: JSON] = [:]
        var tags: [String: JSON] = [:]
        /// The `updated_at` of the next change, in minutes after `epoch`.
        var clock = 100_000
    }

    struct State: Sendable {
        var data = Data()
        var behaviour = Behaviour.normal
        /// Milliseconds each answer waits (a sync long enough to cancel).
        var delayMilliseconds = 0
        /// Operation names and `updated_at` filter values asked, in order.
        var seen: [(operation: String, since: String?)] = []
        /// The `input` of every `sceneUpdate` that changed a scene, in order.
        var mutations: [JSON] = []
        /// Scenes whose `sceneUpdate` answers a GraphQL error.
        var failingUpdates: Set<String> = []
    }

    private final class Shared: Sendable {
        let state = Mutex(State())
    }

    let server: LoopbackHTTPServer
    private let shared: Shared

    init(scenes: Int = 240, performers: Int = 60, studios: Int = 15, tags: Int = 40) throws {
        let shared = Shared()
        shared.state.withLock { $0.data = Self.seed(scenes: scenes, performers: performers, studios: studios, tags: tags) }
        self.shared = shared
        server = try LoopbackHTTPServer { request in
            let (behaviour, delay) = shared.state.withLock { state -> (Behaviour, Int) in
                let now = state.behaviour
                if case .flaky(let count) = now { state.behaviour = count > 1 ? .flaky(count: count - 1) : .normal }
                return (now, state.delayMilliseconds)
            }
            if delay > 0 { usleep(UInt32(delay) * 1000) }
            switch behaviour {
            case .normal: break
            case .status(let status): return .text(status, "error \(status)")
            case .flaky: return .text(503, "busy")
            case .html:
                return LoopbackHTTPServer.Response(
                    status: 200, headers: [("Content-Type", "text/html")], body: Array("<html><body>Login</body></html>".utf8))
            case .graphQLErrors: return Self.json(["errors": [["message": "input: findScenes: database is locked"]], "data": .null])
            case .slow(let milliseconds): usleep(UInt32(milliseconds) * 1000)
            }
            guard request.method == "POST", request.path == "/graphql" else { return .text(404, "404 page not found") }
            guard request.headers["apikey"] == Self.key else { return .text(401, "Unauthorized") }
            guard let body = try? JSON.parseStrict(request.body), let query = body["query"]?.stringValue else {
                return Self.json(["errors": [["message": "bad request"]]], status: 400)
            }
            return shared.state.withLock { state in Self.answer(query, body["operationName"]?.stringValue ?? "", body["variables"] ?? [:], &state) }
        }
    }

    var url: String { server.baseURL }

    var behaviour: Behaviour {
        get { shared.state.withLock { $0.behaviour } }
        set { shared.state.withLock { $0.behaviour = newValue } }
    }

    var delayMilliseconds: Int {
        get { shared.state.withLock { $0.delayMilliseconds } }
        set { shared.state.withLock { $0.delayMilliseconds = newValue } }
    }

    var seen: [(operation: String, since: String?)] { shared.state.withLock { $0.seen } }

    func resetSeen() { shared.state.withLock { $0.seen = [] } }

    /// The `input` of every `sceneUpdate` Stash took, in order.
    var mutations: [JSON] { shared.state.withLock { $0.mutations } }

    var failingUpdates: Set<String> {
        get { shared.state.withLock { $0.failingUpdates } }
        set { shared.state.withLock { $0.failingUpdates = newValue } }
    }

    /// Sets a scene's title, details and file path (what the analysis reads), without moving its
    /// `updated_at` unless `touch` (a sync after this brings it in only with `force` otherwise).
    func edit(scene id: String, title: String? = nil, details: String? = nil, path: String? = nil, touch: Bool = false) {
        shared.state.withLock { state in
            guard case .object(var scene) = state.data.scenes[id] else { return }
            if let title { scene["title"] = .string(title) }
            if let details { scene["details"] = .string(details) }
            if let path, case .array(var files)? = scene["files"], case .object(var file)? = files.first {
                file["path"] = .string(path)
                files[0] = .object(file)
                scene["files"] = .array(files)
            }
            if touch {
                state.data.clock += 1
                scene["updated_at"] = .string(Self.time(minutes: state.data.clock))
            }
            state.data.scenes[id] = .object(scene)
        }
    }

    /// Sets a scene's studio (nil: none), keeping its `updated_at`.
    func setStudio(scene id: String, _ studio: String?) {
        shared.state.withLock { state in
            guard case .object(var scene) = state.data.scenes[id] else { return }
            scene["studio"] = studio.map { ["id": .string($0), "name": .string("Studio \($0)")] } ?? .null
            state.data.scenes[id] = .object(scene)
        }
    }

    var sceneIDs: [String] { shared.state.withLock { Array($0.data.scenes.keys) } }

    func scene(_ id: String) -> JSON? { shared.state.withLock { $0.data.scenes[id] } }

    /// Changes the title of each scene (a newer `updated_at`).
    func touch(scenes ids: [String]) {
        shared.state.withLock { state in
            for id in ids {
                guard case .object(var scene) = state.data.scenes[id] else { continue }
                state.data.clock += 1
                scene["title"] = .string("Changed \(id)")
                scene["updated_at"] = .string(Self.time(minutes: state.data.clock))
                state.data.scenes[id] = .object(scene)
            }
        }
    }

    func delete(scenes ids: [String]) {
        shared.state.withLock { state in for id in ids { state.data.scenes[id] = nil } }
    }

    /// Deletes performers and, as Stash does, their links to scenes (the scenes' `updated_at` stays).
    func delete(performers ids: [String]) {
        shared.state.withLock { state in
            for id in ids { state.data.performers[id] = nil }
            for (sceneID, scene) in state.data.scenes {
                guard case .object(var members) = scene, let list = members["performers"]?.arrayValue else { continue }
                members["performers"] = .array(list.filter { !ids.contains($0["id"]?.stringValue ?? "") })
                state.data.scenes[sceneID] = .object(members)
            }
        }
    }

    // MARK: Answers

    static func answer(_ query: String, _ operation: String, _ variables: JSON, _ state: inout State) -> LoopbackHTTPServer.Response {
        let since = ["scene_filter", "performer_filter", "studio_filter", "tag_filter"].lazy.compactMap {
            variables[$0]?["updated_at"]?["value"]?.stringValue
        }.first
        state.seen.append((operation, since))
        let data = state.data
        if operation == "ConnectionTest" {
            return json([
                "data": [
                    "version": ["version": "v0.27.2"], "findScenes": ["count": JSON(data.scenes.count)],
                    "findPerformers": ["count": JSON(data.performers.count)],
                ]
            ])
        }
        if query.contains("sceneUpdate(") {
            return update(variables["input"] ?? .null, &state)
        }
        if query.contains("findScene(") {
            let id = variables["id"]?.stringValue ?? ""
            return json(["data": ["findScene": data.scenes[id] ?? .null]])
        }
        let roots: [(field: String, list: String, items: [String: JSON])] = [
            ("findScenes", "scenes", data.scenes), ("findPerformers", "performers", data.performers),
            ("findStudios", "studios", data.studios), ("findTags", "tags", data.tags),
        ]
        guard let root = roots.first(where: { query.contains($0.field + "(") }) else {
            return json(["errors": [["message": "unknown query"]]], status: 422)
        }
        var items = Array(root.items.values)
        if let ids = variables["ids"]?.arrayValue?.compactMap(\.stringValue) {
            let wanted = Set(ids)
            items = items.filter { wanted.contains($0["id"]?.stringValue ?? "") }
        }
        if let since, let floor = StashTime.milliseconds(since) {
            items = items.filter { (StashTime.milliseconds($0["updated_at"]?.stringValue ?? "") ?? 0) > floor }
        }
        items.sort {
            let a = StashTime.milliseconds($0["updated_at"]?.stringValue ?? "") ?? 0
            let b = StashTime.milliseconds($1["updated_at"]?.stringValue ?? "") ?? 0
            return a != b ? a < b : (Int($0["id"]?.stringValue ?? "") ?? 0) < (Int($1["id"]?.stringValue ?? "") ?? 0)
        }
        let count = items.count
        let perPage = Int(variables["filter"]?["per_page"]?.intValue ?? 25)
        let page = Int(variables["filter"]?["page"]?.intValue ?? 1)
        if perPage >= 0 {
            let start = min(count, max(0, (page - 1) * perPage))
            items = Array(items[start..<min(count, start + perPage)])
        }
        return json(["data": [root.field: ["count": JSON(count), root.list: .array(items)]]])
    }

    /// `sceneUpdate`: the given fields set (`performer_ids`, `tag_ids`, `studio_id`, `details`, `title`), the
    /// scene's `updated_at` moved; an unknown scene, performer, tag or studio is a GraphQL error, as in Stash.
    static func update(_ input: JSON, _ state: inout State) -> LoopbackHTTPServer.Response {
        guard let id = input["id"]?.stringValue, case .object(var scene) = state.data.scenes[id] else {
            return json(["errors": [["message": "scene not found"]], "data": ["sceneUpdate": .null]])
        }
        if state.failingUpdates.contains(id) {
            return json(["errors": [["message": "sceneUpdate: UNIQUE constraint failed"]], "data": ["sceneUpdate": .null]])
        }
        func named(_ ids: JSON?, _ table: [String: JSON]) -> JSON? {
            guard let list = ids?.arrayValue else { return nil }
            var out: [JSON] = []
            for item in list {
                guard let id = item.stringValue, let entity = table[id] else { return nil }
                out.append(["id": .string(id), "name": entity["name"] ?? .null])
            }
            return .array(out)
        }
        if input["performer_ids"] != nil {
            guard let list = named(input["performer_ids"], state.data.performers) else {
                return json(["errors": [["message": "performer not found"]], "data": ["sceneUpdate": .null]])
            }
            scene["performers"] = list
        }
        if input["tag_ids"] != nil {
            guard let list = named(input["tag_ids"], state.data.tags) else {
                return json(["errors": [["message": "tag not found"]], "data": ["sceneUpdate": .null]])
            }
            scene["tags"] = list
        }
        if let studio = input["studio_id"] {
            if let studioID = studio.stringValue {
                guard let entity = state.data.studios[studioID] else {
                    return json(["errors": [["message": "studio not found"]], "data": ["sceneUpdate": .null]])
                }
                scene["studio"] = ["id": .string(studioID), "name": entity["name"] ?? .null]
            } else {
                scene["studio"] = .null
            }
        }
        if let details = input["details"] { scene["details"] = details }
        if let title = input["title"] { scene["title"] = title }
        state.data.clock += 1
        scene["updated_at"] = .string(time(minutes: state.data.clock))
        state.data.scenes[id] = .object(scene)
        state.mutations.append(input)
        return json(["data": ["sceneUpdate": .object(scene)]])
    }

    static func json(_ value: JSON, status: Int = 200) -> LoopbackHTTPServer.Response {
        LoopbackHTTPServer.Response(status: status, headers: [("Content-Type", "application/json")], body: value.encoded())
    }

    static func time(minutes: Int) -> String {
        StashTime.text(milliseconds: epoch + Int64(minutes) * 60_000)
    }

    // MARK: The data set

    static let words = ["Sunset", "Harbor", "Velvet", "Midnight", "Garden", "Crystal", "Summit", "Echo", "Amber", "Riviera"]

    /// Scene `n` (from 1): title "Scene n <word>", a date n days after 2020-01-01, rated unless n % 10 == 0,
    /// organized when n % 3 == 0, studio n % studios + 1 unless n % 8 == 0, performers n % p + 1 and (when
    /// n is even) (n + 7) % p + 1, tags n % t + 1 and (when n % 3 == 0) (n * 5) % t + 1; one file each.
    static func seed(scenes: Int, performers: Int, studios: Int, tags: Int) -> Data {
        var data = Data()
        for n in 1...max(1, tags) {
            data.tags["\(n)"] = [
                "id": .string("\(n)"), "name": .string("Tag \(n)"), "description": .string("Tag number \(n)"),
                "aliases": n % 2 == 0 ? [.string("T\(n)"), .string("tag-\(n)")] : [],
                "created_at": .string(time(minutes: 0)), "updated_at": .string(time(minutes: n)),
            ]
        }
        for n in 1...max(1, studios) {
            data.studios["\(n)"] = [
                "id": .string("\(n)"), "name": .string("Studio \(n)"), "aliases": [.string("S\(n)")], "urls": [],
                "details": .null, "rating100": .null, "favorite": .bool(n == 1),
                "parent_studio": n > 5 ? ["id": .string("\((n - 1) % 5 + 1)")] : .null,
                "created_at": .string(time(minutes: 0)), "updated_at": .string(time(minutes: n)),
            ]
        }
        for n in 1...max(1, performers) {
            data.performers["\(n)"] = [
                "id": .string("\(n)"), "name": .string("Performer \(n)"), "disambiguation": .null,
                "alias_list": [.string("P\(n) Alias"), .string("Perf \(n)")], "gender": n % 2 == 0 ? "FEMALE" : "MALE",
                "birthdate": .string("199\(n % 10)-0\(n % 9 + 1)-1\(n % 9)"), "country": "US", "ethnicity": .null, "urls": [],
                "details": .null, "rating100": .null, "favorite": .bool(false),
                "created_at": .string(time(minutes: 0)), "updated_at": .string(time(minutes: n)),
            ]
        }
        for n in 1...max(1, scenes) {
            let day = StashTime.text(milliseconds: 1_577_836_800_000 + Int64(n) * 86_400_000).prefix(10)
            let word = words[n % words.count]
            var sceneTags: [JSON] = [["id": .string("\(n % tags + 1)"), "name": .string("Tag \(n % tags + 1)")]]
            if n % 3 == 0, (n * 5) % tags + 1 != n % tags + 1 {
                sceneTags.append(["id": .string("\((n * 5) % tags + 1)"), "name": .string("Tag \((n * 5) % tags + 1)")])
            }
            var scenePerformers: [JSON] = [["id": .string("\(n % performers + 1)"), "name": .string("Performer \(n % performers + 1)")]]
            if n % 2 == 0, (n + 7) % performers + 1 != n % performers + 1 {
                scenePerformers.append(["id": .string("\((n + 7) % performers + 1)"), "name": .string("Performer \((n + 7) % performers + 1)")])
            }
            let studio = n % 8 == 0 ? nil : n % studios + 1
            data.scenes["\(n)"] = [
                "id": .string("\(n)"), "title": .string("Scene \(n) \(word)"), "code": .null,
                "details": .string("A \(word.lowercased()) scene, number \(n)."), "director": .null,
                "urls": [.string("https://example.com/scenes/\(n)")], "date": .string(String(day)),
                "rating100": n % 10 == 0 ? .null : JSON(n * 7 % 101), "organized": .bool(n % 3 == 0),
                "created_at": .string(time(minutes: n)), "updated_at": .string(time(minutes: n)),
                "files": [
                    [
                        "id": .string("f\(n)"), "path": .string("/media/stash/Studio \(studio ?? 0)/Scene \(n).mp4"),
                        "size": JSON(1_000_000 + n), "duration": .double(600 + Double(n)), "format": "mp4", "video_codec": "h264",
                        "audio_codec": "aac", "width": 1920, "height": 1080, "frame_rate": 29.97, "bit_rate": 4_000_000,
                        "fingerprints": [["type": "oshash", "value": .string("00000000000\(n)")]],
                    ]
                ],
                "studio": studio.map { ["id": .string("\($0)"), "name": .string("Studio \($0)")] } ?? .null,
                "performers": .array(scenePerformers), "tags": .array(sceneTags),
            ]
        }
        return data
    }
}
