/// The appliance's own metrics, fed by the HTTP layer, the job runner and the config watcher.
extension MetricsRegistry {
    public static let requests = "applianced_http_requests_total"
    public static let requestDuration = "applianced_http_request_duration_seconds"
    public static let jobs = "applianced_jobs_total"
    public static let configReloads = "applianced_config_reloads_total"
    public static let configLastReloadSuccess = "applianced_config_last_reload_successful"

    /// One answered request: counted and timed by status class ("2xx", "4xx", …), lock-free.
    public func recordRequest(status: Int, seconds: Double) {
        requestCounters.record(status: status, seconds: seconds)
    }

    /// One job that ended; `outcome` is "completed", "failed" or "cancelled".
    public func recordJob(kind: String, outcome: String) {
        increment(Self.jobs, help: "Jobs that ended, by kind and outcome", labels: [("kind", kind), ("outcome", outcome)])
    }

    public func recordConfigReload(success: Bool) {
        increment(Self.configReloads, help: "Config reloads, by result", labels: [("result", success ? "success" : "failure")])
        set(
            Self.configLastReloadSuccess, help: "Whether the last config reload succeeded (1) or failed (0)",
            to: success ? 1 : 0)
    }

    /// Requests so far, how many ended in 5xx, their mean latency and an estimated 95th percentile
    /// (the upper bound of the bucket holding it, +infinity past the last bucket; nil with no requests).
    public func requestSummary() -> (count: UInt64, serverErrors: UInt64, meanSeconds: Double?, p95Seconds: Double?) {
        let histogram = histogram(Self.requestDuration)
        let errors = UInt64(value(Self.requests, labels: ["5xx"]))
        guard histogram.count > 0 else { return (0, errors, nil, nil) }
        let target = UInt64((Double(histogram.count) * 0.95).rounded(.up))
        var cumulative: UInt64 = 0
        var p95 = Double.infinity
        for (index, count) in histogram.buckets.enumerated() {
            cumulative += count
            if cumulative >= target {
                p95 = MetricsRegistry.latencyBuckets[index]
                break
            }
        }
        return (histogram.count, errors, histogram.sum / Double(histogram.count), p95)
    }
}
