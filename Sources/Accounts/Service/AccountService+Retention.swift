import Core
public import FoundationEssentials
public import HTTP

/// What one retention sweep deleted.
public struct RetentionSweep: Sendable, Equatable {
    public var activityEntries: Int
    public var sessions: Int
    public var emailTokens: Int

    public init(activityEntries: Int, sessions: Int, emailTokens: Int) {
        self.activityEntries = activityEntries
        self.sessions = sessions
        self.emailTokens = emailTokens
    }
}

/// The daily retention sweep: activity entries older than `activityRetentionDays`, sessions that expired
/// or were revoked, and e-mail tokens that expired or were spent. The composition root starts it and
/// cancels it at stop.
extension AccountService {
    /// One sweep at `now`.
    @discardableResult
    public func sweep(now: Date = Date()) async throws(HTTPError) -> RetentionSweep {
        let days = settings.activityRetentionDays
        return try await perform { service in
            RetentionSweep(
                activityEntries: try service.activity.prune(olderThanDays: days, now: now), sessions: try service.sessions.purge(before: now),
                emailTokens: try service.emailTokens.purge(before: now))
        }
    }

    /// Sweeps now and then every `interval` until cancelled; a failed sweep is logged and retried at the
    /// next one.
    public func startRetention(every interval: Duration = .seconds(86_400)) -> Task<Void, Never> {
        Task { [self] in
            while !Task.isCancelled {
                do {
                    let swept = try await sweep()
                    if swept != RetentionSweep(activityEntries: 0, sessions: 0, emailTokens: 0) {
                        Log.shared.info(
                            "Retention sweep deleted \(swept.activityEntries) activity entries, \(swept.sessions) sessions, "
                                + "\(swept.emailTokens) e-mail tokens")
                    }
                } catch {
                    Log.shared.warning("Failed to sweep 'account retention': \(error)")
                }
                try? await Task.sleep(for: interval)
            }
        }
    }
}
