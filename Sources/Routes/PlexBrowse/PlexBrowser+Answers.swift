import Core
import HTTP
import Plex

/// The `data` of each browse route, built from Plex's answers and cached for its lifetime.
extension PlexBrowser {
    /// `{name, version, platform, machineIdentifier, libraries, users}`: `users` counts the accounts of
    /// `/accounts` (null when the token may not list them).
    func server() async throws(HTTPError) -> JSON {
        try await cached("server", lifetime: Lifetime.server) { (plex) throws(PlexError) in
            let info = try await plex.serverInfo()
            let sections = try await plex.sectionDirectories()
            let users: Int?
            do throws(PlexError) {
                users = try await plex.accountCount()
            } catch {
                // A token that may not list accounts still browses: the count is left out, not the answer.
                guard [.unauthorized, .notFound, .httpStatus].contains(error.kind) else { throw error }
                users = nil
            }
            return [
                "name": .string(info["friendlyName"]?.stringValue ?? ""), "version": .string(info["version"]?.stringValue ?? ""),
                "platform": .string(info["platform"]?.stringValue ?? ""),
                "machineIdentifier": .string(info["machineIdentifier"]?.plexText ?? ""), "libraries": JSON(sections.count),
                "users": users.map(JSON.init) ?? .null,
            ]
        }
    }

    /// `{libraries: [{key, title, type, count}]}`; a section whose count Plex would not give has null.
    func libraries() async throws(HTTPError) -> JSON {
        try await cached("libraries", lifetime: Lifetime.libraries) { (plex) throws(PlexError) in
            var libraries: [JSON] = []
            for section in try await plex.sectionDirectories().prefix(200) {
                guard let key = section["key"]?.plexText, let title = section["title"]?.stringValue else { continue }
                let count = try? await plex.sectionPage(sectionID: key, sort: nil, start: 0, size: 0).totalSize
                libraries.append([
                    "key": .string(key), "title": .string(title), "type": .string(section["type"]?.stringValue ?? ""),
                    "count": count.map(JSON.init) ?? .null,
                ])
            }
            return ["libraries": .array(libraries)]
        }
    }

    /// `{items, pagination}` for one page of a section.
    func items(section: String, sort: String, page: Int, limit: Int) async throws(HTTPError) -> JSON {
        try await cached("items\u{0}\(section)\u{0}\(sort)\u{0}\(page)\u{0}\(limit)", lifetime: Lifetime.items) { (plex) throws(PlexError) in
            let found = try await plex.sectionPage(sectionID: section, sort: sort, start: (page - 1) * limit, size: limit)
            return [
                "items": .array(found.metadata.prefix(limit).compactMap(PlexBrowseJSON.item)),
                "pagination": PlexBrowseJSON.pagination(page: page, limit: limit, total: found.totalSize),
            ]
        }
    }

    /// `{query, results, total}`: the hub search's items, at most `limit` in all.
    func search(_ query: String, limit: Int) async throws(HTTPError) -> JSON {
        try await cached("search\u{0}\(query)\u{0}\(limit)", lifetime: Lifetime.search) { (plex) throws(PlexError) in
            let results = try await plex.searchHubs(query: query, limit: limit).compactMap(PlexBrowseJSON.item).prefix(limit)
            return ["query": .string(query), "results": .array(Array(results)), "total": JSON(results.count)]
        }
    }

    /// `{items}`: the newest `limit` items.
    func recentlyAdded(limit: Int) async throws(HTTPError) -> JSON {
        try await cached("recent\u{0}\(limit)", lifetime: Lifetime.recentlyAdded) { (plex) throws(PlexError) in
            let found = try await plex.recentlyAdded(size: limit)
            return ["items": .array(found.metadata.prefix(limit).compactMap(PlexBrowseJSON.item))]
        }
    }

    /// `{collections, total}` of a section.
    func collections(section: String) async throws(HTTPError) -> JSON {
        try await cached("collections\u{0}\(section)", lifetime: Lifetime.collections) { (plex) throws(PlexError) in
            let found = try await plex.collections(sectionID: section, start: 0, size: PlexBrowseRoutes.listLimit)
            return [
                "collections": .array(found.metadata.prefix(PlexBrowseRoutes.listLimit).compactMap(PlexBrowseJSON.item)),
                "total": JSON(found.totalSize),
            ]
        }
    }

    /// `{collection, items, total}`; an id that is not a collection is a 404.
    func collection(_ id: String) async throws(HTTPError) -> JSON {
        try await cached("collection\u{0}\(id)", lifetime: Lifetime.collections) { (plex) throws(PlexError) in
            let entry = try await plex.metadata(ratingKey: id)
            guard entry["type"]?.stringValue == "collection", let collection = PlexBrowseJSON.item(entry) else {
                throw PlexError(kind: .notFound, message: "item \(id) is not a collection", url: "/library/metadata/\(id)")
            }
            let found = try await plex.collectionItems(collectionID: id, start: 0, size: PlexBrowseRoutes.listLimit)
            return [
                "collection": collection, "items": .array(found.metadata.prefix(PlexBrowseRoutes.listLimit).compactMap(PlexBrowseJSON.item)),
                "total": JSON(found.totalSize),
            ]
        }
    }
}
