import Synchronization

/// How much history is kept: seconds in memory, minute and hour averages in the store. Every figure is bounded.
public struct HistoryRetention: Sendable, Equatable {
    public var recentSeconds: Int
    public var minuteDays: Int
    public var hourDays: Int

    /// Defaults: 10 minutes of seconds, 7 days of minutes, a year of hours. Clamped to 60 s…1 d, 1…90 d, 1…3650 d.
    public init(recentSeconds: Int = 600, minuteDays: Int = 7, hourDays: Int = 365) {
        self.recentSeconds = min(86_400, max(60, recentSeconds))
        self.minuteDays = min(90, max(1, minuteDays))
        self.hourDays = min(3650, max(1, hourDays))
    }
}

/// Metrics history: a ring of recent per-sample points, minute averages written when a minute ends and
/// hour averages computed from the stored minutes when an hour ends, so a restart loses at most the
/// current minute. `record` runs on the sampler thread; `query` on any.
public final class MetricsHistory: Sendable {
    private struct State {
        var ring: [HistoryPoint] = []
        var ringStart = 0
        var minute: (start: Int64, points: [HistoryPoint])?
        var lastPrune: Int64 = 0
    }

    public let retention: HistoryRetention
    private let store: any HistoryStore
    private let state = Mutex(State())

    public init(store: any HistoryStore, retention: HistoryRetention = HistoryRetention()) {
        self.store = store
        self.retention = retention
    }

    /// Adds one sample. Throws when writing a finished minute or hour to the store fails; the point is
    /// still in the ring and the next minute is written as usual.
    public func record(_ snapshot: MetricsSnapshot) throws {
        try record(HistoryPoint(snapshot))
    }

    public func record(_ point: HistoryPoint) throws {
        let minuteStart = Downsampling.bucketStart(point.timestamp, width: 60)
        let finished: (start: Int64, points: [HistoryPoint])? = state.withLock { state in
            if state.ring.count < retention.recentSeconds {
                state.ring.append(point)
            } else {
                state.ring[state.ringStart] = point
                state.ringStart = (state.ringStart + 1) % state.ring.count
            }
            var done: (start: Int64, points: [HistoryPoint])?
            if let current = state.minute, current.start != minuteStart {
                done = current
                state.minute = nil
            }
            if state.minute == nil { state.minute = (minuteStart, []) }
            state.minute?.points.append(point)
            return done
        }
        guard let finished, let average = Downsampling.average(finished.points, at: finished.start) else { return }
        try store.save(average, resolution: .minute)
        let hourStart = Downsampling.bucketStart(finished.start, width: 3600)
        if hourStart != Downsampling.bucketStart(minuteStart, width: 3600) {
            try closeHour(at: hourStart)
        }
        try pruneIfDue(now: point.timestamp)
    }

    /// An hour is the average of its stored minutes, also those written before a restart.
    private func closeHour(at hourStart: Int64) throws {
        let minutes = try store.points(.minute, from: hourStart, to: hourStart + 3600)
        if let hour = Downsampling.average(minutes, at: hourStart) {
            try store.save(hour, resolution: .hour)
        }
    }

    private func pruneIfDue(now: Int64) throws {
        let due = state.withLock { state in
            guard now - state.lastPrune >= 3600 else { return false }
            state.lastPrune = now
            return true
        }
        guard due else { return }
        try store.prune(.minute, before: now - Int64(retention.minuteDays) * 86_400)
        try store.prune(.hour, before: now - Int64(retention.hourDays) * 86_400)
    }

    /// The recent per-sample points, oldest first.
    public var recent: [HistoryPoint] {
        state.withLock { Array($0.ring[$0.ringStart...] + $0.ring[..<$0.ringStart]) }
    }

    /// Points with `from <= timestamp < to`, averaged into `resolution`-second buckets, from the finest
    /// data that covers each part of the range: the ring, then stored minutes, then stored hours.
    public func query(from: Int64, to: Int64, resolution: Int64) throws -> [HistoryPoint] {
        precondition(resolution > 0 && from <= to, "validated by the caller")
        let ring = recent.filter { $0.timestamp >= from && $0.timestamp < to }
        let hours = try store.points(.hour, from: from, to: to)
        let minutes = try store.points(.minute, from: from, to: to)
        let stored = Downsampling.merge(coarse: hours, coarseWidth: 3600, fine: minutes)
        let combined: [HistoryPoint]
        if resolution < 60 {
            combined = Downsampling.merge(coarse: stored, coarseWidth: 60, fine: ring)
        } else {
            // Stored minutes first; the ring adds the seconds of minutes not yet written.
            let lastStored = stored.last.map { $0.timestamp + 60 } ?? Int64.min
            combined = stored + ring.filter { $0.timestamp >= lastStored }
        }
        return Downsampling.resample(combined, width: resolution)
    }
}
