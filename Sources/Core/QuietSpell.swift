/// When an idle daemon should release memory again: after `checks` periodic checks in a row that saw
/// no new activity, once per quiet spell, and only when there was activity since the last release.
public struct QuietSpell: Sendable {
    private var seen: Int
    private var releasedAt: Int
    private var quiet = 0
    public let checks: Int

    /// `activity`: the count at the last release.
    public init(activity: Int, checks: Int) {
        seen = activity
        releasedAt = activity
        self.checks = checks
    }

    /// One periodic check with the activity count now; true when memory should be released.
    public mutating func check(activity: Int) -> Bool {
        if activity != seen {
            seen = activity
            quiet = 0
            return false
        }
        quiet += 1
        guard quiet >= checks && activity != releasedAt else { return false }
        releasedAt = activity
        return true
    }
}
