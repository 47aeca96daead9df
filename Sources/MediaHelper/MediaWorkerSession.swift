public import MediaProtocol

/// A worker's helper: started on the worker's first item, kept warm while items come, replaced after it
/// dies (a crash costs one item) or when the next item needs other folders, and ended once idle for
/// `idleExitSeconds`. Used by one worker thread only.
public final class MediaWorkerSession {
    private var process: MediaHelperProcess?
    private var lastUsed = MediaHelperProcess.now()

    public init() {}

    /// Runs one request on this worker's helper (starting one as needed).
    public func perform(
        _ request: HelperRequest, settings: MediaHelperSettings, policy: HelperPolicy, cancellation: CancellationFlag,
        progress: (Int, Int) -> Bool
    ) throws(HelperFailure) -> HelperReply {
        if let current = process, !current.isAlive || current.policy != policy {
            current.finish()
            process = nil
        }
        let helper: MediaHelperProcess
        if let process { helper = process } else { helper = try MediaHelperProcess(settings: settings, policy: policy) }
        process = helper
        defer {
            lastUsed = MediaHelperProcess.now()
            if !helper.isAlive { process = nil }
        }
        return try helper.perform(request, cancellation: cancellation, progress: progress)
    }

    /// Whether a helper is running for this worker.
    public var isRunning: Bool { process?.isAlive ?? false }

    /// Ends the helper once it has been idle for `seconds`; called while the worker waits for work.
    public func endIfIdle(seconds: Int) {
        guard process != nil, MediaHelperProcess.now() - lastUsed >= Double(seconds) else { return }
        end()
    }

    /// Ends the helper now (the worker stops).
    public func end() {
        process?.finish()
        process = nil
    }

    deinit { process?.kill() }
}
