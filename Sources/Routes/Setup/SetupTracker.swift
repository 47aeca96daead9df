public import HTTP
public import Core
import Synchronization

/// The wizard's progress: the saved step and form data, and the completion flag, kept in a
/// `SetupStateStore` and cached in memory so that `isComplete` answers the auth gate at once.
public final class SetupTracker: SetupProgress {
    /// Store keys; the values are JSON text.
    static let stateKey = "setup.state"
    static let completeKey = "setup.complete"
    /// Form data a browser may park here (it holds no secrets, only choices).
    public static let stateLimit = 64 * 1024

    private let store: any SetupStateStore
    private let complete: Mutex<Bool>

    /// Reads the completion flag once; a store that cannot be read is an error for the caller to report.
    public init(store: any SetupStateStore) throws {
        self.store = store
        self.complete = Mutex(try store.value(forKey: Self.completeKey) == "true")
    }

    public var isComplete: Bool { complete.withLock { $0 } }

    /// The saved wizard state, `{"step": 1, "data": {}}` when none was saved.
    public func state() throws -> (step: Int, data: JSON) {
        guard let text = try store.value(forKey: Self.stateKey),
            let saved = try? JSON.decode(Array(text.utf8)),
            let step = saved["step"]?.intValue
        else { return (1, .object([:])) }
        return (Int(step), saved["data"] ?? .object([:]))
    }

    public func saveState(step: Int, data: JSON) throws {
        let document: JSON = ["step": .int(Int64(step)), "data": data]
        try store.setValue(String(decoding: document.encoded(), as: UTF8.self), forKey: Self.stateKey)
    }

    /// Marks setup complete and forgets the wizard's form data.
    public func markComplete() throws {
        try store.setValue("true", forKey: Self.completeKey)
        try store.setValue(nil, forKey: Self.stateKey)
        complete.withLock { $0 = true }
    }
}

extension SetupTracker: SetupState {
    /// The auth gate's view of the same persisted progress.
    public var isSetupComplete: Bool { isComplete }
}
