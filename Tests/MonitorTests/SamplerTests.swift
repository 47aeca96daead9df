import Core
import Synchronization
import Testing

@testable import Monitor

struct SamplerTests {
    @Test func publishesSnapshotsToSubscribersUntilStopped() async throws {
        let sampler = Sampler(interval: 0.05)
        let received = Mutex(0)
        sampler.subscribe { _ in received.withLock { $0 += 1 } }
        try sampler.start()
        for _ in 0..<100 where received.withLock({ $0 }) < 3 {
            try await Task.sleep(for: .milliseconds(20))
        }
        sampler.stop()
        let count = received.withLock { $0 }
        #expect(count >= 3)
        let snapshot = try #require(sampler.current)
        #expect(snapshot.memory.totalBytes > 0)
        #expect(snapshot.interval > 0)
        #expect(sampler.lastError == nil)
        // Stopped means stopped: no more samples arrive.
        try await Task.sleep(for: .milliseconds(150))
        #expect(received.withLock { $0 } == count)
        sampler.stop()
    }

    @Test func intervalIsClamped() {
        #expect(Sampler(interval: 0).interval == 0.05)
        #expect(Sampler(interval: .infinity).interval == 1)
        #expect(Sampler(interval: 1e9).interval == 3600)
    }
}
