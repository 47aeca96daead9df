import Synchronization

/// Refreshes running in the background, one per key (`movie:<id>`, `library:<id>`): asking again
/// while one runs does not start a second, it has the running one go once more when it ends, so a
/// scan that finishes mid-refresh still gets its new items matched.
final class MetadataQueue: Sendable {
    /// Key → whether to run once more when the current run ends.
    private let running = Mutex<[String: Bool]>([:])

    /// Runs `work` in a detached task unless `key` is already running.
    func start(_ key: String, _ work: @escaping @Sendable () async -> Void) {
        let isNew = running.withLock { running in
            guard running[key] == nil else {
                running[key] = true
                return false
            }
            running[key] = false
            return true
        }
        guard isNew else { return }
        Task.detached { [self] in
            repeat { await work() } while again(key)
        }
    }

    /// Whether `key` was asked for meanwhile (then it stays running); else it is done.
    private func again(_ key: String) -> Bool {
        running.withLock { running in
            guard running[key] == true else {
                running[key] = nil
                return false
            }
            running[key] = false
            return true
        }
    }
}
