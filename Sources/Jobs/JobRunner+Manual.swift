import Core
import FoundationEssentials
public import Plex
import Previews
public import Store

/// Jobs for files a person chose (`POST /api/jobs/manual`): each file is looked up in Plex as a
/// webhook's is (its path mapped to Plex's view, then `…/all?type=&file=` by basename), and the
/// parts found run on the same workers as a library job's.
extension JobRunner {
    /// `parameters.source` of such a job.
    public static let manualSource = "manual"

    /// Creates the pending job for `expansion`'s files (`requested`, the paths as asked, go to
    /// `parameters.files`) and looks the files up in the background against `sections`, which the
    /// caller listed to learn that Plex answers; returns the pending job at once.
    @discardableResult
    public func createManualJob(
        requested: [String], expansion: ManualFiles.Expansion, force: Bool, plex: PlexServerClient, sections: [PlexLibrarySection]
    ) async throws(JobError) -> JobRecord {
        let all = expansion.files + expansion.unusable.map(\.path)
        let title = all.count == 1 ? (all[0].split(separator: "/").last.map(String.init) ?? all[0]) : "\(all.count) files"
        let record: JobRecord
        do {
            record = try await store.perform { [self] _ in
                try createTargetJob(source: Self.manualSource, title: title, files: requested, force: force)
            }
        } catch let error as JobError {
            throw error
        } catch {
            throw .storage("Failed to create the job", error)
        }
        Log.shared.info("Job '\(record.id)': \(expansion.files.count) chosen file(s) to look up in Plex")
        Task { [self] in await resolveManual(record.id, expansion: expansion, plex: plex, sections: sections) }
        return record
    }

    /// Looks each file up in Plex, then starts the job with the parts found; a file Plex does not
    /// know, or whose lookup failed, becomes a failed item with the reason. After three lookups in
    /// a row fail, the rest fail with the same error rather than wait on a Plex that is down.
    func resolveManual(_ id: String, expansion: ManualFiles.Expansion, plex: PlexServerClient, sections: [PlexLibrarySection]) async {
        let mapping = settings().pathMapping
        let toPlex = mapping.inverted
        var targets: [ThumbnailTarget] = []
        var seen = Set<String>()
        var unusable = expansion.unusable.map { (key: $0.path, title: Self.baseName($0.path), file: $0.path, reason: $0.reason) }
        var failuresInRow = 0
        var lastError: String?
        for (n, file) in expansion.files.enumerated() {
            if n % 50 == 49, await (stored({ try $0.get(id) }) ?? nil)?.status.isFinal ?? true { return }
            let plexPath = toPlex.localPath(for: file)
            if failuresInRow >= 3, let lastError {
                unusable.append((file, Self.baseName(file), file, "Plex lookup failed: \(lastError)"))
                continue
            }
            do {
                guard let (item, part) = try await plex.findPart(plexPath: plexPath, in: sections), let hash = part.hash else {
                    failuresInRow = 0
                    unusable.append((file, Self.baseName(file), file, "not in Plex: '\(plexPath)'"))
                    continue
                }
                failuresInRow = 0
                guard seen.insert(hash).inserted else { continue }
                targets.append(
                    ThumbnailTarget(hash: hash, title: item.displayTitle, plexFile: part.file, localFile: mapping.localPath(for: part.file)))
            } catch {
                failuresInRow += 1
                lastError = error.description
                unusable.append((file, Self.baseName(file), file, "Plex lookup failed: \(error.description)"))
            }
        }
        await startTargetJob(id, targets: targets, unusable: unusable)
    }

    static func baseName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }
}
