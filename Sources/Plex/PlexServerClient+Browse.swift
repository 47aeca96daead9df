public import Core
import Fetch

/// One page of a Plex listing: its `Metadata` entries as Plex sent them (the caller picks the fields it
/// shows), where the page starts, and how many the whole listing holds.
public struct PlexMetadataPage: Sendable, Equatable {
    public let metadata: [JSON]
    public let offset: Int
    public let totalSize: Int

    public init(metadata: [JSON], offset: Int, totalSize: Int) {
        self.metadata = metadata
        self.offset = offset
        self.totalSize = totalSize
    }
}

/// Browsing a Plex Media Server for 001's `/api/v1/plex/*`: server facts, sections with their raw
/// entries, section items paged and sorted, hub search, recently added, collections and their items.
/// Every call sends the token in a header and asks for JSON.
extension PlexServerClient {
    /// `GET /`: the server's `MediaContainer` (`friendlyName`, `version`, `platform`, `machineIdentifier`, …).
    public func serverInfo() async throws(PlexError) -> JSON {
        try await browse("/", what: "server identity").container
    }

    /// `GET /library/sections`: the raw `Directory` entries.
    public func sectionDirectories() async throws(PlexError) -> [JSON] {
        try await browse("/library/sections", what: "library sections").container["Directory"]?.arrayValue ?? []
    }

    /// One page of `GET /library/sections/{id}/all?sort=…`; `sort` is passed as given, so the caller
    /// keeps it to the sorts Plex documents.
    public func sectionPage(sectionID: String, sort: String?, start: Int, size: Int) async throws(PlexError) -> PlexMetadataPage {
        let query = sort.map { "?sort=" + URLQuery.encode($0) } ?? ""
        return try await page(
            "/library/sections/\(URLQuery.encode(sectionID))/all\(query)", what: "section \(sectionID)", start: start, size: size)
    }

    /// `GET /hubs/search?query=…&limit=…`: the `Metadata` of every hub, in hub order, each tagged with
    /// its hub's `type` as `hubType` when the item has no `type` of its own. `limit` is per hub (Plex's).
    public func searchHubs(query: String, limit: Int) async throws(PlexError) -> [JSON] {
        let path = "/hubs/search?query=\(URLQuery.encode(query))&limit=\(max(1, limit))"
        let hubs = try await browse(path, what: "search").container["Hub"]?.arrayValue ?? []
        return hubs.flatMap { hub in
            (hub["Metadata"]?.arrayValue ?? []).map { item -> JSON in
                guard case .object(var members) = item else { return item }
                if members["type"] == nil, let type = hub["type"] { members["type"] = type }
                return .object(members)
            }
        }
    }

    /// `GET /library/recentlyAdded`, the newest `size` items of every section.
    public func recentlyAdded(size: Int) async throws(PlexError) -> PlexMetadataPage {
        try await page("/library/recentlyAdded", what: "recently added", start: 0, size: size)
    }

    /// One page of `GET /library/sections/{id}/collections`.
    public func collections(sectionID: String, start: Int, size: Int) async throws(PlexError) -> PlexMetadataPage {
        try await page(
            "/library/sections/\(URLQuery.encode(sectionID))/collections", what: "collections of section \(sectionID)", start: start, size: size)
    }

    /// `GET /library/metadata/{ratingKey}`: the item's one `Metadata` entry (a movie, a show, a collection…).
    public func metadata(ratingKey: String) async throws(PlexError) -> JSON {
        let path = "/library/metadata/\(URLQuery.encode(ratingKey))"
        guard let item = try await browse(path, what: "item \(ratingKey)").container["Metadata"]?.arrayValue?.first else {
            throw PlexError(kind: .notFound, status: 200, message: "item \(ratingKey) not found", url: baseURL + path)
        }
        return item
    }

    /// One page of `GET /library/collections/{id}/items`.
    public func collectionItems(collectionID: String, start: Int, size: Int) async throws(PlexError) -> PlexMetadataPage {
        try await page("/library/collections/\(URLQuery.encode(collectionID))/items", what: "collection \(collectionID)", start: start, size: size)
    }

    /// `GET /accounts`: how many accounts the server knows, less its system account (id 0).
    public func accountCount() async throws(PlexError) -> Int {
        let accounts = try await browse("/accounts", what: "accounts").container["Account"]?.arrayValue ?? []
        return accounts.filter { ($0["id"]?.plexInt ?? 0) > 0 }.count
    }

    // MARK: Helpers

    /// A listing asked for with `X-Plex-Container-Start/Size`; the total from `totalSize`, else the
    /// `X-Plex-Container-Total-Size` header, else `size`, else the entries counted.
    private func page(_ path: String, what: String, start: Int, size: Int) async throws(PlexError) -> PlexMetadataPage {
        let answer = try await browse(
            path, what: what,
            extraHeaders: [("X-Plex-Container-Start", String(max(0, start))), ("X-Plex-Container-Size", String(max(0, size)))])
        let metadata = answer.container["Metadata"]?.arrayValue ?? []
        let total =
            answer.container["totalSize"]?.plexInt ?? answer.totalHeader ?? answer.container["size"]?.plexInt ?? metadata.count
        return PlexMetadataPage(metadata: metadata, offset: answer.container["offset"]?.plexInt ?? start, totalSize: max(total, 0))
    }

    /// The `MediaContainer` of a JSON answer and its `X-Plex-Container-Total-Size` header.
    private func browse(
        _ path: String, what: String, extraHeaders: [(name: String, value: String)] = []
    ) async throws(PlexError) -> (container: JSON, totalHeader: Int?) {
        let request = FetchRequest(.get, baseURL + path, headers: client.headers + [("X-Plex-Token", token)] + extraHeaders)
        let response = try await transport.send(request, what: what)
        let document: JSON
        do {
            document = try JSON.decode(response.body)
        } catch {
            throw PlexError(kind: .badResponse, status: response.status, message: "\(what): not JSON", url: request.url)
        }
        guard let container = document["MediaContainer"], container.objectValue != nil else {
            throw PlexError(kind: .badResponse, message: "\(what): no MediaContainer", url: request.url)
        }
        return (container, response.header("X-Plex-Container-Total-Size").flatMap { Int($0) })
    }
}
