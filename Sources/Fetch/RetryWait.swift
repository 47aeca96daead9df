import Core

/// What the appliance's clients (TMDb, the *arr apps, Stash) share about retrying a request: which
/// answers are worth another try, and how long to wait before it.
public enum RetryWait {
    /// 429 (too many requests) and 5xx are worth another try; other answers are final.
    public static func isRetried(_ status: Int) -> Bool {
        status == 429 || (500...599).contains(status)
    }

    /// Sleeps before try `attempt` (2 is the first retry): `Retry-After` seconds when the server gave
    /// them, cut to `longest`, else `base` doubled for each try after the first retry; false when the
    /// task was cancelled meanwhile.
    public static func pause(before attempt: Int, retryAfter: String?, base: Duration, longest: Duration) async -> Bool {
        var wait = base * (1 << max(0, attempt - 2))
        if let retryAfter, let seconds = Int(retryAfter.trimmingWhitespace()), seconds >= 0 {
            wait = min(.seconds(seconds), longest)
        }
        do {
            try await Task.sleep(for: wait)
            return true
        } catch {
            return false
        }
    }
}
