#if canImport(Glibc)
    import Glibc
#endif

/// The appliance's outbound HTTP client (Plex, plex.tv, the *arr apps): libcurl with connect and
/// total timeouts, a response size cap and bounded redirects. The `async` calls run each blocking
/// transfer on a thread of its own, never on the cooperative pool, and cancelling the task aborts it.
public struct FetchClient: Sendable {
    public var options: FetchOptions

    public init(options: FetchOptions = FetchOptions()) {
        self.options = options
    }

    public func send(_ request: FetchRequest) async throws(FetchError) -> FetchResponse {
        let flag = CancelFlag()
        let options = request.options ?? self.options
        let result = await withTaskCancellationHandler {
            await TransferThread.run { () -> Result<FetchResponse, FetchError> in
                do throws(FetchError) {
                    return .success(try CurlTransfer(request: request, options: options, cancel: flag).perform())
                } catch {
                    return .failure(error)
                }
            }
        } onCancel: {
            flag.cancel()
        }
        return try result.get()
    }

    /// The same transfer on the calling thread, for code that is already on a thread of its own.
    public func sendBlocking(_ request: FetchRequest) throws(FetchError) -> FetchResponse {
        try CurlTransfer(request: request, options: request.options ?? options, cancel: CancelFlag()).perform()
    }

    public func get(_ url: String, headers: [(name: String, value: String)] = []) async throws(FetchError) -> FetchResponse {
        try await send(FetchRequest(.get, url, headers: headers))
    }

    public func post(
        _ url: String, headers: [(name: String, value: String)] = [], body: [UInt8] = []
    ) async throws(FetchError) -> FetchResponse {
        try await send(FetchRequest(.post, url, headers: headers, body: body))
    }

    public func put(
        _ url: String, headers: [(name: String, value: String)] = [], body: [UInt8] = []
    ) async throws(FetchError) -> FetchResponse {
        try await send(FetchRequest(.put, url, headers: headers, body: body))
    }

    public func delete(_ url: String, headers: [(name: String, value: String)] = []) async throws(FetchError) -> FetchResponse {
        try await send(FetchRequest(.delete, url, headers: headers))
    }
}

/// Runs blocking work on a fresh detached thread and resumes the awaiting task with its result.
enum TransferThread {
    private final class Work: Sendable {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }

    static func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { (continuation: CheckedContinuation<T, Never>) in
            let item = Work { continuation.resume(returning: work()) }
            let context = Unmanaged.passRetained(item).toOpaque()
            var thread = pthread_t()
            let rc = pthread_create(
                &thread, nil,
                { raw in
                    guard let raw else { return nil }
                    Unmanaged<Work>.fromOpaque(raw).takeRetainedValue().body()
                    return nil
                }, context)
            if rc == 0 {
                pthread_detach(thread)
            } else {
                // No thread to be had (resource limit): do the work here rather than fail the request.
                Unmanaged<Work>.fromOpaque(context).takeRetainedValue().body()
            }
        }
    }
}
