import Synchronization

/// How many state-changing requests signed in by cookie the gate refused for a missing or wrong CSRF
/// token since the process started (001's `/api/v1/csrf/stats` shows it). Process-wide, like the gate's
/// check itself: every server in the process counts into it.
public enum CSRFRefusals {
    private static let count = Atomic<Int>(0)

    public static var total: Int { count.load(ordering: .relaxed) }

    static func record() {
        count.add(1, ordering: .relaxed)
    }
}
