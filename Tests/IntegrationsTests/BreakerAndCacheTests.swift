import HTTP
import Integrations
import Testing

/// The circuit breaker and the answer cache, on a clock that moves when told.
@Suite struct BreakerAndCacheTests {
    @Test func aDownAppCostsOneProbePerInterval() async throws {
        let fake = try FakeArr()
        let clock = ManualClock()
        let apps = service(fake, clock: .manual(clock))
        fake.behaviour = .html
        for _ in 0..<3 {
            await #expect(throws: IntegrationError.badAnswer(.radarr)) { try await apps.radarr.health() }
        }
        #expect(apps.connection(.radarr).isDown)
        #expect(fake.count("/api/v3/health") == 3)
        // Down: calls fail at once with the last reason, nothing goes out.
        for _ in 0..<5 {
            await #expect(throws: IntegrationError.down(.radarr, "Radarr's answer is not the JSON expected")) { try await apps.radarr.health() }
        }
        #expect(fake.count("/api/v3/health") == 3)
        #expect(IntegrationError.down(.radarr, "x").httpError.status == 502)
        // One interval on, one call goes out as the probe; it fails, and the next waits another interval.
        clock.advance(seconds: 31)
        await #expect(throws: IntegrationError.badAnswer(.radarr)) { try await apps.radarr.health() }
        await #expect(throws: IntegrationError.down(.radarr, "Radarr's answer is not the JSON expected")) { try await apps.radarr.health() }
        #expect(fake.count("/api/v3/health") == 4)
        // The app comes back: the next probe closes the breaker.
        fake.behaviour = .normal
        clock.advance(seconds: 31)
        #expect(try await apps.radarr.health().count == 1)
        #expect(!apps.connection(.radarr).isDown)
        // Other apps were never affected.
        #expect(!apps.connection(.sonarr).isDown)
    }

    @Test func theProbeLoopRecordsADownApp() async throws {
        let fake = try FakeArr()
        let clock = ManualClock()
        let apps = service(fake, clock: .manual(clock))
        fake.behaviour = .status(401)
        for _ in 0..<3 { await apps.probes.probe(.radarr) }
        let state = apps.probes.state(.radarr)
        #expect(state.reachable == false)
        #expect(state.status == "down")
        #expect(state.lastError == "Radarr refused the API key")
        #expect(fake.count("/api/v3/system/status") == 3)
        // More rounds within the interval send nothing.
        for _ in 0..<4 { await apps.probes.probe(.radarr) }
        #expect(fake.count("/api/v3/system/status") == 3)
        fake.behaviour = .normal
        clock.advance(seconds: 30)
        let back = await apps.probes.probe(.radarr)
        #expect(back.reachable == true)
        #expect(back.version == "5.14.0.9383")
        #expect(back.lastError == nil)
        #expect(fake.count("/api/v3/system/status") == 4)
    }

    @Test func answersAreCachedForTheirLifetime() async throws {
        let fake = try FakeArr()
        let clock = ManualClock()
        let apps = service(fake, clock: .manual(clock))
        _ = try await apps.radarr.systemStatus()
        _ = try await apps.radarr.systemStatus()
        _ = try await apps.radarr.qualityProfiles()
        _ = try await apps.radarr.movies()
        #expect(fake.count("/api/v3/system/status") == 1)
        clock.advance(seconds: 31)
        _ = try await apps.radarr.systemStatus()
        _ = try await apps.radarr.qualityProfiles()
        _ = try await apps.radarr.movies()
        #expect(fake.count("/api/v3/system/status") == 2)
        #expect(fake.count("/api/v3/qualityprofile") == 1)
        #expect(fake.count("/api/v3/movie") == 1)
        clock.advance(seconds: 300)
        _ = try await apps.radarr.qualityProfiles()
        _ = try await apps.radarr.movies()
        #expect(fake.count("/api/v3/qualityprofile") == 1)
        #expect(fake.count("/api/v3/movie") == 2)
        clock.advance(seconds: 3600)
        _ = try await apps.radarr.qualityProfiles()
        #expect(fake.count("/api/v3/qualityprofile") == 2)
        // The probe asks anyway.
        _ = try await apps.radarr.systemStatus(fresh: true)
        #expect(fake.count("/api/v3/system/status") == 3)
    }
}
