import Accounts
import Downloads
import FoundationEssentials
import Integrations
import Monitor
import Requests

/// 001's admin figures from the services that own them: users from the accounts, the box from the
/// monitor's latest sample, downloads from the yt-dlp jobs and the apps' queues.
enum RequestAssembly {
    static func statsSources(
        accounts: AccountService, sampler: Sampler, integrations: IntegrationService, downloads: DownloadService
    ) -> AdminStatsRoutes.Sources {
        AdminStatsRoutes.Sources(
            users: {
                try await accounts.perform { service in
                    (
                        total: try service.users.count(), active: try service.users.countActive(since: Date().addingTimeInterval(-30 * 86_400)),
                        admins: try service.users.countAdmins()
                    )
                }
            },
            downloads: { await Self.downloads(downloads, integrations) },
            system: {
                guard let snapshot = sampler.current else { return nil }
                return (snapshot.process.uptimeSeconds, snapshot.process.residentBytes, snapshot.cpuUsage)
            })
    }

    /// The yt-dlp downloads of the jobs table plus the apps' queues (below); nil only when the jobs
    /// table cannot be read and no app answers.
    static func downloads(_ service: DownloadService, _ integrations: IntegrationService) async -> (total: Int, active: Int, completed: Int, failed: Int)? {
        let own = try? await service.counts()
        let apps = await downloads(integrations)
        guard own != nil || apps != nil else { return nil }
        let (a, b) = (own ?? (0, 0, 0, 0), apps ?? (0, 0, 0, 0))
        return (a.total + b.total, a.active + b.active, a.completed + b.completed, a.failed + b.failed)
    }

    /// Radarr's and Sonarr's queues (their first 200 entries each): every entry, those downloading, those
    /// done and waiting for import, those failed; nil when neither app is configured or answers.
    static func downloads(_ integrations: IntegrationService) async -> (total: Int, active: Int, completed: Int, failed: Int)? {
        var pages: [ArrPage<ArrQueueItem>] = []
        if integrations.connection(.radarr).isConfigured, let page = try? await integrations.radarr.queue(page: 1, pageSize: 200) {
            pages.append(page)
        }
        if integrations.connection(.sonarr).isConfigured, let page = try? await integrations.sonarr.queue(page: 1, pageSize: 200) {
            pages.append(page)
        }
        guard !pages.isEmpty else { return nil }
        var counts = (total: 0, active: 0, completed: 0, failed: 0)
        for page in pages {
            counts.total += page.totalRecords ?? page.records.count
            for item in page.records {
                let state = item.trackedDownloadState?.lowercased() ?? ""
                let status = item.status?.lowercased() ?? ""
                if status == "failed" || state.contains("fail") {
                    counts.failed += 1
                } else if status == "completed" || state.hasPrefix("import") {
                    counts.completed += 1
                } else if ["downloading", "queued", "paused", "delay"].contains(status) {
                    counts.active += 1
                }
            }
        }
        return counts
    }
}
