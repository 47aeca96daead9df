public import Plex
public import Previews

/// One media part to make a BIF for: the part's hash (its bundle name), the item's title and the
/// file as Plex reports it and as it is here.
public struct ThumbnailTarget: Sendable, Equatable {
    public let hash: String
    public let title: String
    public let plexFile: String
    public let localFile: String

    public init(hash: String, title: String, plexFile: String, localFile: String) {
        self.hash = hash
        self.title = title
        self.plexFile = plexFile
        self.localFile = localFile
    }
}

/// A library's parts as the job runner needs them, from Plex.
public struct LibraryListing: Sendable {
    public let libraryName: String
    public let targets: [ThumbnailTarget]
    /// Parts that cannot be processed, with the reason (no hash even in `/tree`): failed items.
    public let unusable: [(key: String, title: String, file: String, reason: String)]
}

/// Lists a section's movies or episodes with `/library/sections/{id}/all`; a part without a hash
/// (Plex leaves it out of listings) is looked up in the item's `/library/metadata/{id}/tree`.
public enum LibraryEnumerator {
    /// The section's parts with their local paths; throws when the section cannot be listed.
    public static func list(
        plex: PlexServerClient, sectionID: String, mapping: PathMapping
    ) async throws(JobError) -> LibraryListing {
        let section: PlexLibrarySection
        let items: [PlexItem]
        do {
            guard let found = try await plex.sections().first(where: { $0.id == sectionID }) else {
                throw JobError.notFound("Plex has no library section '\(sectionID)'")
            }
            section = found
            guard let type = section.videoItemType else {
                throw JobError.invalid("Library '\(section.title)' is a \(section.type) library, not movies or shows")
            }
            items = try await plex.allItems(sectionID: sectionID, type: type)
        } catch let error as JobError {
            throw error
        } catch {
            throw JobError.upstream("Failed to list library '\(sectionID)': \(error)")
        }

        var targets: [ThumbnailTarget] = []
        var unusable: [(key: String, title: String, file: String, reason: String)] = []
        var seen = Set<String>()
        for item in items {
            var parts = item.parts
            if parts.contains(where: { $0.hash == nil }) {
                do {
                    let tree = try await plex.parts(ratingKey: item.ratingKey)
                    parts = parts.map { part in
                        guard part.hash == nil,
                            let match = tree.first(where: { $0.id == part.id && !part.id.isEmpty }) ?? tree.first(where: { $0.file == part.file })
                        else { return part }
                        return PlexMediaPart(id: part.id, hash: match.hash, file: part.file, size: part.size, duration: part.duration)
                    }
                } catch {
                    for part in parts where part.hash == nil {
                        unusable.append((part.file, item.displayTitle, part.file, "Failed to read the part hash from Plex: \(error)"))
                    }
                    parts = parts.filter { $0.hash != nil }
                }
            }
            for part in parts {
                guard let hash = part.hash else {
                    unusable.append((part.file, item.displayTitle, part.file, "Plex has no hash for this part (not analysed yet)"))
                    continue
                }
                guard seen.insert(hash).inserted else { continue }
                targets.append(
                    ThumbnailTarget(
                        hash: hash, title: item.displayTitle, plexFile: part.file, localFile: mapping.localPath(for: part.file)))
            }
        }
        return LibraryListing(libraryName: section.title, targets: targets, unusable: unusable)
    }
}
