@preconcurrency import Dispatch

/// Where a handler makes a blocking call that has no executor of its own (the setup store's SQLite
/// key/values through its protocol, the token file's atomic write): a Dispatch queue, so the wait holds one of Dispatch's threads,
/// never one of the few threads of Swift's cooperative pool that every handler Task needs.
public enum BlockingWork {
    private static let queue = DispatchQueue(label: "applianced.blocking", attributes: .concurrent)

    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }
}
