/// TMDb's pace: at most `perSecond` requests a second, as a token bucket of `perSecond` tokens.
/// Each caller reserves the next free slot (generic cell rate: a theoretical arrival time moved on by
/// one interval per request) and sleeps until it, so waiting callers queue in arrival order and no
/// one polls.
actor TMDbPace {
    private let interval: Duration
    private let burst: Int
    /// When the bucket would be full again if no one asked before then.
    private var theoreticalArrival: ContinuousClock.Instant

    init(perSecond: Int) {
        let rate = max(1, perSecond)
        interval = .nanoseconds(1_000_000_000 / Int64(rate))
        burst = rate
        theoreticalArrival = .now
    }

    /// Waits for this caller's turn; a cancelled caller gives up its wait at once (its slot stays used).
    func admit() async {
        let slot = reserve()
        guard slot > .now else { return }
        try? await Task.sleep(until: slot, clock: .continuous)
    }

    /// The instant this request may go, with the bucket updated for it.
    private func reserve() -> ContinuousClock.Instant {
        let now = ContinuousClock.now
        let arrival = max(theoreticalArrival, now)
        let earliest = arrival - interval * (burst - 1)
        theoreticalArrival = arrival + interval
        return max(earliest, now)
    }
}
