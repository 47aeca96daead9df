import Synchronization

/// Whether first-boot setup is complete: until it is, `.setup` routes need no credential.
public protocol SetupState: Sendable {
    var isSetupComplete: Bool { get }
}

/// A setup state kept in memory, set by whoever owns the persisted setup progress.
public final class SetupFlag: SetupState {
    private let complete: Atomic<Bool>

    public init(complete: Bool) {
        self.complete = Atomic(complete)
    }

    public var isSetupComplete: Bool { complete.load(ordering: .acquiring) }

    public func markComplete(_ value: Bool = true) {
        complete.store(value, ordering: .releasing)
    }
}
