import Core
import Fetch

/// Finding one file's item: what a webhook needs once a download lands (the preview generator's
/// `…/all?type=&file=` lookup, §2.3 of the plex-previews reference).
extension PlexServerClient {
    /// `GET /library/sections/{id}/all?type={type}&file={basename}`: the section's items of `type`
    /// (1 movie, 4 episode; Plex answers 500 without it) with a part named `basename`.
    public func items(sectionID: String, type: Int, fileName: String) async throws(PlexError) -> [PlexItem] {
        let path = "/library/sections/\(URLQuery.encode(sectionID))/all?type=\(type)&file=\(URLQuery.encode(fileName))"
        let request = FetchRequest(.get, baseURL + path, headers: client.headers + [("X-Plex-Token", token)])
        let document = try await transport.json(request, what: "section \(sectionID) file lookup")
        guard let container = document["MediaContainer"], container.objectValue != nil else {
            throw PlexError(kind: .badResponse, message: "section \(sectionID) file lookup: no MediaContainer", url: request.url)
        }
        return (container["Metadata"]?.arrayValue ?? []).compactMap(Self.item)
    }

    /// The item and part whose file is `plexPath`, looked up by basename in every section of the
    /// matching kind (`type` 1 movie, 4 episode); sections whose folders hold the path are asked
    /// first. Nil when Plex has not indexed the file yet. A part without a hash in the listing gets
    /// it from the item's `/tree`; one still without a hash counts as not indexed.
    public func findPart(plexPath: String, type: Int) async throws(PlexError) -> (item: PlexItem, part: PlexMediaPart)? {
        try await findPart(plexPath: plexPath, in: try await sections().filter { $0.videoItemType == type })
    }

    /// The item and part whose file is `plexPath`, looked up by basename in `sections` (each asked
    /// for its own kind of item; those that hold no videos are passed over), the sections whose
    /// folders hold the path first: for callers that look many files up against one listing.
    public func findPart(plexPath: String, in sections: [PlexLibrarySection]) async throws(PlexError) -> (item: PlexItem, part: PlexMediaPart)? {
        let name = PlexPartMatch.segments(plexPath).last.map(String.init) ?? plexPath
        let candidates = sections.filter { $0.videoItemType != nil }
        let holding = candidates.filter { section in section.locations.contains { PlexPartMatch.holds($0, plexPath) } }
        for section in holding + candidates.filter({ !holding.contains($0) }) {
            guard let type = section.videoItemType else { continue }
            let items = try await items(sectionID: section.id, type: type, fileName: name)
            guard let (item, part) = PlexPartMatch.best(for: plexPath, in: items) else { continue }
            if part.hash != nil { return (item, part) }
            let tree = try await parts(ratingKey: item.ratingKey)
            guard let full = tree.first(where: { !part.id.isEmpty && $0.id == part.id }) ?? tree.first(where: { $0.file == part.file }),
                full.hash != nil
            else { return nil }
            return (item, PlexMediaPart(id: part.id, hash: full.hash, file: part.file, size: part.size, duration: part.duration))
        }
        return nil
    }
}

/// Picks the part that is a file, as the preview generator does (`_select_hash_for_path`): the
/// longest common trailing run of path segments wins (at least the basename), so a path mapped
/// differently on the Plex side still matches on `parent/basename`.
public enum PlexPartMatch {
    public static func best(for path: String, in items: [PlexItem]) -> (PlexItem, PlexMediaPart)? {
        let wanted = segments(path)
        var best: (item: PlexItem, part: PlexMediaPart, score: Int)?
        for item in items {
            for part in item.parts {
                let score = commonSuffix(wanted, segments(part.file))
                guard score > 0, score > (best?.score ?? 0) else { continue }
                best = (item, part, score)
            }
        }
        return best.map { ($0.item, $0.part) }
    }

    /// Whether folder `folder` holds `path`, by whole segments.
    static func holds(_ folder: String, _ path: String) -> Bool {
        let prefix = segments(folder)
        let all = segments(path)
        return !prefix.isEmpty && all.count > prefix.count && Array(all[0..<prefix.count]) == prefix
    }

    static func segments(_ path: String) -> [Substring] {
        path.split(whereSeparator: { $0 == "/" || $0 == "\\" })
    }

    private static func commonSuffix(_ a: [Substring], _ b: [Substring]) -> Int {
        var count = 0
        while count < a.count, count < b.count, a[a.count - 1 - count] == b[b.count - 1 - count] { count += 1 }
        return count
    }
}
