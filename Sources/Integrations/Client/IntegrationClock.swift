import Synchronization

/// Monotonic milliseconds for the breakers and the answer cache; tests pass a `ManualClock`'s reading
/// so lifetimes and probe intervals are checked without sleeping.
public struct IntegrationClock: Sendable {
    public let now: @Sendable () -> Int64

    public init(now: @escaping @Sendable () -> Int64) {
        self.now = now
    }

    private static let origin = ContinuousClock.now

    /// Milliseconds since the process first asked.
    public static let system = IntegrationClock {
        let elapsed = ContinuousClock.now - origin
        return elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
    }

    /// A clock that moves only when told (tests).
    public static func manual(_ clock: ManualClock) -> IntegrationClock {
        IntegrationClock { clock.milliseconds.load(ordering: .relaxed) }
    }
}

/// Time that passes when `advance` says.
public final class ManualClock: Sendable {
    let milliseconds = Atomic<Int64>(1_000_000)

    public init() {}

    public func advance(seconds: Double) {
        milliseconds.add(Int64(seconds * 1000), ordering: .relaxed)
    }
}
