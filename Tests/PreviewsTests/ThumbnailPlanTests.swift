import Previews
import Testing

struct ThumbnailPlanTests {
    @Test(arguments: [
        (600.0, 10, 60), (599.5, 10, 60), (600.5, 10, 61), (5.3, 10, 1), (5.3, 5, 2), (5.0, 5, 1), (0.04, 10, 1), (17.844, 2, 9),
    ])
    func countsTargets(_ duration: Double, _ interval: Int, _ count: Int) throws {
        let plan = try ThumbnailPlan(durationSeconds: duration, intervalSeconds: interval)
        #expect(plan.targets.count == count)
        #expect(plan.targets.first == 0)
        #expect(plan.targets.enumerated().allSatisfy { $0.element == Double($0.offset * interval) })
    }

    @Test func lastTargetPrecedesTheLastFrame() throws {
        // 4.004 s at 29.97 fps: the last frame starts at 3.97 s, so no target at 4 s.
        #expect(try ThumbnailPlan(durationSeconds: 4.004, intervalSeconds: 2, frameSeconds: 1001.0 / 30000).targets == [0, 2])
        #expect(try ThumbnailPlan(durationSeconds: 4.004, intervalSeconds: 2).targets == [0, 2, 4])
    }

    @Test func rejectsBadInput() {
        #expect(throws: ThumbnailPlanError.invalidInterval(0)) { try ThumbnailPlan(durationSeconds: 10, intervalSeconds: 0) }
        #expect(throws: ThumbnailPlanError.invalidInterval(61)) { try ThumbnailPlan(durationSeconds: 10, intervalSeconds: 61) }
        #expect(throws: ThumbnailPlanError.unknownDuration) { try ThumbnailPlan(durationSeconds: 0, intervalSeconds: 10) }
        #expect(throws: ThumbnailPlanError.unknownDuration) { try ThumbnailPlan(durationSeconds: .nan, intervalSeconds: 10) }
        #expect(throws: ThumbnailPlanError.self) { try ThumbnailPlan(durationSeconds: 1e12, intervalSeconds: 10) }
    }

    @Test func toleranceIsHalfTheInterval() throws {
        #expect(try ThumbnailPlan(durationSeconds: 60, intervalSeconds: 5).keyframeTolerance == 2.5)
    }
}
