/// A rate limit a route declares in the route table (DESIGN §7), checked by the server after the gate
/// and before the body is read. Routes that pass one rule share its counts (001's and 003's login
/// paths count together). Health routes declare none and are never limited.
public struct RateLimitRule: Sendable {
    /// What a hit is counted against.
    public enum Key: Sendable {
        /// The client address.
        case address
        /// The signed-in user, or the client address when there is none.
        case user
    }

    public let name: String
    public let limiter: RateLimiter
    public let key: Key

    public init(name: String, limit: Int, windowSeconds: Double, key: Key = .address, maxKeys: Int = 10_000) {
        self.name = name
        self.limiter = RateLimiter(limit: limit, windowSeconds: windowSeconds, maxKeys: maxKeys)
        self.key = key
    }

    /// Counts one request and answers what it was told, or throws the 429.
    public func check(address: String, principal: Principal) throws(HTTPError) -> RateLimiter.Decision {
        let subject = switch key {
        case .address: "a:" + address
        case .user: principal.user.map { "u:" + $0.id } ?? "a:" + address
        }
        let decision = limiter.hit(subject, now: RateLimitRule.now())
        guard decision.allowed else { throw HTTPError.rateLimited(decision) }
        return decision
    }

    /// Monotonic seconds.
    public static func now() -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
    private static let start = ContinuousClock.now
}

extension RateLimiter.Decision {
    /// `X-RateLimit-Limit`, `X-RateLimit-Remaining`, `X-RateLimit-Reset` (seconds until the window frees a
    /// slot), and `Retry-After` when refused.
    public var headers: [(String, String)] {
        var headers = [
            ("X-RateLimit-Limit", String(limit)), ("X-RateLimit-Remaining", String(remaining)),
            ("X-RateLimit-Reset", String(resetSeconds)),
        ]
        if !allowed { headers.append(("Retry-After", String(retryAfterSeconds))) }
        return headers
    }
}

extension HTTPError {
    /// 429 `RATE_LIMIT_EXCEEDED` with `Retry-After` and the `X-RateLimit-*` headers.
    public static func rateLimited(_ decision: RateLimiter.Decision) -> HTTPError {
        HTTPError(
            status: 429, code: "RATE_LIMIT_EXCEEDED", message: "Too many requests",
            detail: "Limit is \(decision.limit); retry in \(decision.retryAfterSeconds) s", headers: decision.headers)
    }
}
