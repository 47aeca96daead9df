import HTTP
import Routes
import Core
@preconcurrency import Dispatch
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The running daemon's life: READY=1, watchdog pings, SIGHUP → reload hook, SIGTERM/SIGINT →
/// STOPPING=1 and a drain of requests in flight (at most the server's drain period), then return.
final class ServeLifecycle: Sendable {
    private let server: HTTPServer
    private let notifier: SystemdNotifier
    private let reload: @Sendable () -> Void
    private let queue = DispatchQueue(label: "applianced.signals")
    private let stopped = DispatchSemaphore(value: 0)

    init(
        server: HTTPServer, notifier: SystemdNotifier,
        reload: @escaping @Sendable () -> Void = { Log.shared.info("Reload requested (SIGHUP)") }
    ) {
        self.server = server
        self.notifier = notifier
        self.reload = reload
    }

    /// Blocks the calling thread until a stop signal has drained the server.
    func run(watchdogMilliseconds: Int?) {
        var sources: [any DispatchSourceSignal] = []
        for number in [SIGTERM, SIGINT, SIGHUP] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { [self] in handle(number) }
            source.resume()
            sources.append(source)
        }
        var watchdog: (any DispatchSourceTimer)?
        if let interval = watchdogMilliseconds {
            let timer = DispatchSource.makeTimerSource(queue: queue)
            timer.schedule(deadline: .now() + .milliseconds(interval), repeating: .milliseconds(interval))
            timer.setEventHandler { [notifier] in notifier.notify("WATCHDOG=1") }
            timer.resume()
            watchdog = timer
        }
        if !notifier.notify("READY=1") { Log.shared.warning("Failed to notify systemd: READY=1 not sent") }
        stopped.wait()
        watchdog?.cancel()
        for source in sources { source.cancel() }
    }

    private let stopping = Atomic<Bool>(false)

    private func handle(_ number: Int32) {
        if number == SIGHUP {
            reload()
            return
        }
        // A second SIGTERM while draining changes nothing.
        guard stopping.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else { return }
        Log.shared.info("Stopping (signal \(number)): draining \(server.requestsInFlight) request(s)")
        notifier.notify("STOPPING=1")
        let server = self.server
        let stopped = self.stopped
        Task {
            await server.stop()
            stopped.signal()
        }
    }
}
