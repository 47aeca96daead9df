/// TMDb's pace: at most `perSecond` requests a second, as a token bucket of `perSecond` tokens.
/// Each caller reserves the next free slot (generic cell rate: a theoretical arrival time moved on by
/// one interval per request) and sleeps until it, so waiting callers queue in arrival order and no
/// one polls. The rate comes with each call, so a config change applies to the next request.
actor TMDbPace {
    /// When the bucket would be full again if no one asked before then.
    private var theoreticalArrival = ContinuousClock.now

    /// Waits for this caller's turn; a cancelled caller gives up its wait at once (its slot stays used).
    func admit(perSecond: Int) async {
        let slot = reserve(perSecond: perSecond)
        guard slot > .now else { return }
        try? await Task.sleep(until: slot, clock: .continuous)
    }

    /// The instant this request may go, with the bucket updated for it.
    private func reserve(perSecond: Int) -> ContinuousClock.Instant {
        let rate = max(1, perSecond)
        let interval = Duration.nanoseconds(1_000_000_000 / Int64(rate))
        let now = ContinuousClock.now
        let arrival = max(theoreticalArrival, now)
        theoreticalArrival = arrival + interval
        return max(arrival - interval * (rate - 1), now)
    }
}
