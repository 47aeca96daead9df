import Core
public import Fetch

/// One Plex Media Server at `baseURL` with a token: identity, sections, items with their media
/// parts, the `/tree` fallback for part hashes, and active sessions.
public struct PlexServerClient: Sendable {
    public let baseURL: String
    let token: String
    public let client: PlexClientInfo
    let transport: PlexTransport
    /// Items asked for per page of a section listing.
    public var pageSize = 100
    /// The most items one listing returns, however large the library.
    public var maximumItems = 200_000

    public init(
        baseURL: String, token: String, client: PlexClientInfo,
        fetch: FetchClient = FetchClient(options: FetchOptions(connectTimeout: 5, timeout: 30, maximumResponseBytes: 32 << 20))
    ) {
        self.baseURL = URLQuery.trimmed(baseURL)
        self.token = token
        self.client = client
        self.transport = PlexTransport(fetch: fetch)
    }

    /// `GET /` (needs the token, so it also checks it): name, machine id and version.
    public func identity() async throws(PlexError) -> PlexServerIdentity {
        let container = try await get("/", what: "server identity")
        guard let machine = container["machineIdentifier"]?.plexString else {
            throw PlexError(kind: .badResponse, message: "server identity: no machineIdentifier", url: baseURL + "/")
        }
        return PlexServerIdentity(
            friendlyName: container["friendlyName"]?.stringValue ?? "", machineIdentifier: machine,
            version: container["version"]?.stringValue ?? "")
    }

    /// `GET /identity` (no token needed): machine id and version, to check an address before
    /// there is a token. `friendlyName` is empty; `identity()` has it.
    public func publicIdentity() async throws(PlexError) -> PlexServerIdentity {
        let request = FetchRequest(.get, baseURL + "/identity", headers: client.headers)
        let document = try await transport.json(request, what: "server identity")
        guard let machine = document["MediaContainer"]?["machineIdentifier"]?.plexString else {
            throw PlexError(kind: .badResponse, message: "server identity: no machineIdentifier", url: request.url)
        }
        return PlexServerIdentity(
            friendlyName: "", machineIdentifier: machine, version: document["MediaContainer"]?["version"]?.stringValue ?? "")
    }

    /// `GET /library/sections`.
    public func sections() async throws(PlexError) -> [PlexLibrarySection] {
        let container = try await get("/library/sections", what: "library sections")
        return (container["Directory"]?.arrayValue ?? []).compactMap { directory in
            guard let id = directory["key"]?.plexString, let title = directory["title"]?.stringValue else { return nil }
            let locations = (directory["Location"]?.arrayValue ?? []).compactMap { $0["path"]?.stringValue }
            return PlexLibrarySection(id: id, title: title, type: directory["type"]?.stringValue ?? "", locations: locations)
        }
    }

    /// How many items a section holds (of `type` when given), from a listing of size 0.
    public func itemCount(sectionID: String, type: Int? = nil) async throws(PlexError) -> Int {
        let page = try await items(sectionID: sectionID, type: type, start: 0, size: 0)
        return page.totalSize
    }

    /// One page of `GET /library/sections/{id}/all?type=…` (`X-Plex-Container-Start/Size`).
    public func items(sectionID: String, type: Int?, start: Int, size: Int) async throws(PlexError) -> PlexItemPage {
        let query = type.map { "?type=\($0)" } ?? ""
        let container = try await get(
            "/library/sections/\(URLQuery.encode(sectionID))/all\(query)", what: "section \(sectionID)",
            extraHeaders: [("X-Plex-Container-Start", String(max(0, start))), ("X-Plex-Container-Size", String(max(0, size)))])
        let items = (container["Metadata"]?.arrayValue ?? []).compactMap(Self.item)
        let total = container["totalSize"]?.plexInt ?? container["size"]?.plexInt ?? items.count
        return PlexItemPage(items: items, offset: container["offset"]?.plexInt ?? start, totalSize: total)
    }

    /// Every movie or episode of a section, page by page (at most `maximumItems`).
    public func allItems(sectionID: String, type: Int) async throws(PlexError) -> [PlexItem] {
        var all: [PlexItem] = []
        var start = 0
        while all.count < maximumItems {
            let page = try await items(sectionID: sectionID, type: type, start: start, size: pageSize)
            all += page.items.prefix(maximumItems - all.count)
            start += page.items.count
            if page.items.isEmpty || start >= page.totalSize { break }
        }
        return all
    }

    /// `GET /library/metadata/{ratingKey}/tree` (XML): the item's parts with their hashes.
    public func parts(ratingKey: String) async throws(PlexError) -> [PlexMediaPart] {
        let url = "\(baseURL)/library/metadata/\(URLQuery.encode(ratingKey))/tree"
        let headers = client.headers.filter { $0.name != "Accept" } + [("Accept", "application/xml"), ("X-Plex-Token", token)]
        let response = try await transport.send(FetchRequest(.get, url, headers: headers), what: "item \(ratingKey)")
        do {
            return try PlexXMLScanner.elements(named: "MediaPart", in: response.body).compactMap { a in
                guard let file = a["file"] else { return nil }
                return PlexMediaPart(
                    id: a["id"] ?? "", hash: a["hash"].flatMap { $0.isEmpty ? nil : $0 }, file: file,
                    size: a["size"].flatMap { Int64($0) }, duration: a["duration"].flatMap { Int($0) })
            }
        } catch {
            throw PlexError(kind: .badResponse, status: response.status, message: "item \(ratingKey) tree: \(error)", url: url)
        }
    }

    /// `GET /status/sessions`: how many people are playing something now.
    public func activeSessionCount() async throws(PlexError) -> Int {
        let container = try await get("/status/sessions", what: "sessions")
        return container["size"]?.plexInt ?? container["Metadata"]?.arrayValue?.count ?? 0
    }

    // MARK: Helpers

    /// The `MediaContainer` of a JSON answer.
    private func get(
        _ path: String, what: String, extraHeaders: [(name: String, value: String)] = []
    ) async throws(PlexError) -> JSON {
        let request = FetchRequest(.get, baseURL + path, headers: client.headers + [("X-Plex-Token", token)] + extraHeaders)
        let document = try await transport.json(request, what: what)
        guard let container = document["MediaContainer"], container.objectValue != nil else {
            throw PlexError(kind: .badResponse, message: "\(what): no MediaContainer", url: request.url)
        }
        return container
    }

    static func item(_ json: JSON) -> PlexItem? {
        guard let ratingKey = json["ratingKey"]?.plexString, let title = json["title"]?.stringValue else { return nil }
        let parts = (json["Media"]?.arrayValue ?? []).flatMap { media in
            (media["Part"]?.arrayValue ?? []).compactMap { part -> PlexMediaPart? in
                guard let file = part["file"]?.stringValue else { return nil }
                return PlexMediaPart(
                    id: part["id"]?.plexString ?? "", hash: part["hash"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 },
                    file: file, size: part["size"]?.intValue, duration: part["duration"]?.plexInt)
            }
        }
        return PlexItem(
            ratingKey: ratingKey, type: json["type"]?.stringValue ?? "", title: title,
            grandparentTitle: json["grandparentTitle"]?.stringValue, parentIndex: json["parentIndex"]?.plexInt,
            index: json["index"]?.plexInt, year: json["year"]?.plexInt, parts: parts)
    }
}
