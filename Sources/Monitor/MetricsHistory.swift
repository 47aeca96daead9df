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

/// Metrics history: a ring of recent per-sample points, minute averages kept in memory and written
/// `writeEveryMinutes` at a time (and when an hour ends, and at `flush`), hour averages computed from
/// the stored minutes when an hour ends. A clean stop loses nothing but the current minute, a crash or
/// power cut at most the minutes not yet written; in exchange an idle box writes to its SD card and
/// runs SQLite's code every ten minutes instead of every minute (its code pages then leave the daemon's
/// resident set at the next quiet spell). `record` runs on the sampler thread; `query` on any.
public final class MetricsHistory: Sendable {
    private struct State {
        var ring: [HistoryPoint] = []
        var ringStart = 0
        var minute: (start: Int64, points: [HistoryPoint])?
        /// Finished minutes not yet in the store, oldest first.
        var pending: [HistoryPoint] = []
        var lastPrune: Int64 = 0
    }

    public let retention: HistoryRetention
    public let writeEveryMinutes: Int
    /// Minutes kept for a store that keeps failing, the oldest dropped first.
    static let pendingLimit = 120
    private let store: any HistoryStore
    private let state = Mutex(State())

    /// `writeEveryMinutes` is clamped to 1…60.
    public init(store: any HistoryStore, retention: HistoryRetention = HistoryRetention(), writeEveryMinutes: Int = 10) {
        self.store = store
        self.retention = retention
        self.writeEveryMinutes = min(60, max(1, writeEveryMinutes))
    }

    /// Adds one sample. Throws when writing finished minutes or an hour to the store fails; the point is
    /// still in the ring and the minutes are written again with the next ones.
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
        let hourStart = Downsampling.bucketStart(finished.start, width: 3600)
        let hourEnded = hourStart != Downsampling.bucketStart(minuteStart, width: 3600)
        let pending = state.withLock { state in
            state.pending.append(average)
            if state.pending.count > Self.pendingLimit { state.pending.removeFirst(state.pending.count - Self.pendingLimit) }
            return state.pending.count
        }
        guard hourEnded || pending >= writeEveryMinutes else { return }
        try flush()
        if hourEnded { try closeHour(at: hourStart) }
        try pruneIfDue(now: point.timestamp)
    }

    /// Writes the finished minutes not yet stored (the daemon calls it when it stops). On a failure they
    /// stay pending, for the next write.
    public func flush() throws {
        let points = state.withLock { $0.pending }
        guard !points.isEmpty else { return }
        for point in points { try store.save(point, resolution: .minute) }
        state.withLock { state in
            state.pending.removeAll { point in points.contains { $0.timestamp == point.timestamp } }
        }
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
        let pending = state.withLock { $0.pending }.filter { $0.timestamp >= from && $0.timestamp < to }
        let hours = try store.points(.hour, from: from, to: to)
        let minutes = Self.merged(try store.points(.minute, from: from, to: to), pending)
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

    /// Stored minutes with the pending ones, by timestamp; a pending minute replaces a stored one.
    private static func merged(_ stored: [HistoryPoint], _ pending: [HistoryPoint]) -> [HistoryPoint] {
        guard !pending.isEmpty else { return stored }
        let replaced = Set(pending.map(\.timestamp))
        return (stored.filter { !replaced.contains($0.timestamp) } + pending).sorted { $0.timestamp < $1.timestamp }
    }
}
