@testable import HTTP
import Testing

struct RateLimiterTests {
    @Test func fivePerFifteenMinutesPerAddress() {
        let limiter = RateLimiter(limit: 5, windowSeconds: 900)
        for n in 0..<5 {
            let decision = limiter.hit("10.0.0.1", now: Double(n))
            #expect(decision.allowed && decision.remaining == 4 - n)
        }
        let sixth = limiter.hit("10.0.0.1", now: 10)
        #expect(!sixth.allowed && sixth.remaining == 0 && sixth.retryAfterSeconds == 890 && sixth.limit == 5)
        #expect(limiter.hit("10.0.0.2", now: 10).allowed)
        // The window slides: the first hit leaves at 900 s, and one more is allowed.
        #expect(!limiter.hit("10.0.0.1", now: 899.5).allowed)
        #expect(limiter.hit("10.0.0.1", now: 900.5).allowed)
        limiter.reset("10.0.0.1")
        #expect(limiter.hit("10.0.0.1", now: 901).remaining == 4)
    }

    @Test func keysAreBounded() {
        let limiter = RateLimiter(limit: 1, windowSeconds: 60, maxKeys: 100)
        for n in 0..<1000 { _ = limiter.hit("client-\(n)", now: Double(n) / 100) }
        #expect(limiter.hit("client-999", now: 10).allowed == false)
    }
}
