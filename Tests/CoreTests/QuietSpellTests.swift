import Core
import Testing

/// The daemon's quiet-spell release (`IdleMemoryRelease`): when it fires, and that a health poller or an
/// idle box never makes it fire.
struct QuietSpellTests {
    /// The answers of one check per activity count, in order.
    private func checks(_ spell: inout QuietSpell, _ activity: [Int]) -> [Bool] {
        activity.map { spell.check(activity: $0) }
    }

    @Test func releasesOnceAfterQuietChecksFollowingActivity() {
        var spell = QuietSpell(activity: 0, checks: 3)
        // Requests since the last check, three quiet checks, then nothing more in the same spell.
        #expect(checks(&spell, [5, 5, 5, 5, 5, 5]) == [false, false, false, true, false, false])
    }

    @Test func activityRestartsTheSpell() {
        var spell = QuietSpell(activity: 0, checks: 3)
        // A request before the third quiet check starts the count again.
        #expect(checks(&spell, [1, 1, 1, 2, 2, 2, 2]) == [false, false, false, false, false, false, true])
    }

    @Test func noActivityNoRelease() {
        // Only health checks (not counted) since the start-up release: nothing to give back.
        var spell = QuietSpell(activity: 7, checks: 3)
        #expect(checks(&spell, Array(repeating: 7, count: 10)) == Array(repeating: false, count: 10))
    }

    @Test func aSecondSpellAfterNewActivity() {
        var spell = QuietSpell(activity: 0, checks: 2)
        #expect(checks(&spell, [1, 1, 1, 3, 3, 3]) == [false, false, true, false, false, true])
    }
}
