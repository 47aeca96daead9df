import Synchronization

/// One app's circuit breaker: after `threshold` consecutive failures the app is down, and calls fail at
/// once with the last reason, but for one call per probe interval that goes out as the probe; the
/// first success closes it again. So a dead app costs one request per interval, however busy the API is.
final class CircuitBreaker: Sendable {
    /// What a caller may do now.
    enum Admission: Equatable {
        /// Go ahead (closed breaker, or the one probe of this interval).
        case go
        /// Fail fast with this reason.
        case refuse(String)
    }

    private struct State {
        var failures = 0
        var isOpen = false
        var lastReason: String?
        /// When the next probe may go out (milliseconds of the breaker's clock).
        var nextProbe: Int64 = 0
    }

    let threshold: Int
    private let clock: IntegrationClock
    private let state = Mutex(State())

    init(threshold: Int = 3, clock: IntegrationClock) {
        self.threshold = max(1, threshold)
        self.clock = clock
    }

    /// Whether a call may go out now; while open, the first caller after each interval is let through.
    func admit(intervalSeconds: Int) -> Admission {
        let now = clock.now()
        return state.withLock { state in
            guard state.isOpen else { return .go }
            if now >= state.nextProbe {
                state.nextProbe = now + Int64(max(1, intervalSeconds)) * 1000
                return .go
            }
            return .refuse(state.lastReason ?? "down")
        }
    }

    /// A call got a usable answer: the app is up.
    func succeeded() {
        state.withLock { state in
            state.failures = 0
            state.isOpen = false
            state.lastReason = nil
        }
    }

    /// A call failed because of the app; the breaker opens at the threshold (the next probe one interval on).
    func failed(_ reason: String, intervalSeconds: Int) {
        let now = clock.now()
        state.withLock { state in
            state.failures += 1
            state.lastReason = reason
            if !state.isOpen, state.failures >= threshold {
                state.isOpen = true
                state.nextProbe = now + Int64(max(1, intervalSeconds)) * 1000
            }
        }
    }

    /// Open: the app is considered down.
    var isOpen: Bool { state.withLock { $0.isOpen } }
}
