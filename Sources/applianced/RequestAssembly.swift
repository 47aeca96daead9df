import Accounts
import FoundationEssentials
import Monitor
import Requests

/// 001's admin figures from the services that own them: users from the accounts, the box from the
/// monitor's latest sample, downloads from the apps' queues.
enum RequestAssembly {
    static func statsSources(accounts: AccountService, sampler: Sampler) -> AdminStatsRoutes.Sources {
        AdminStatsRoutes.Sources(
            users: {
                try await accounts.perform { service in
                    (
                        total: try service.users.count(), active: try service.users.countActive(since: Date().addingTimeInterval(-30 * 86_400)),
                        admins: try service.users.countAdmins()
                    )
                }
            },
            downloads: { nil },
            system: {
                guard let snapshot = sampler.current else { return nil }
                return (snapshot.process.uptimeSeconds, snapshot.process.residentBytes, snapshot.cpuUsage)
            })
    }
}
