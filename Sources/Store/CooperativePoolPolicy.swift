/// Whether a `Database` accepts calls made from a Swift task. Every SQLite call blocks, so in the
/// daemon async code goes through `Database.perform`; `.refuse` (debug builds of the daemon and the
/// route tests) turns a forgotten `perform` into a trap naming the database instead of a stall.
public enum CooperativePoolPolicy: Sendable, Equatable {
    /// Any thread may call (tests of the store itself, tools).
    case allow
    /// A call from a Swift task is a programming error.
    case refuse

    /// True while the calling thread runs a Swift task: a thread of the cooperative pool (or an actor's
    /// executor), which a blocking call would hold. Worker threads and Dispatch queues run none.
    public static var onSwiftTask: Bool {
        withUnsafeCurrentTask { $0 != nil }
    }
}
