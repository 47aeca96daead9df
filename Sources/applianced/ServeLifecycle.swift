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

    /// Routes SIGTERM, SIGINT and SIGHUP here from now on; `run` takes the sources. Called before the
    /// server listens: a signal that arrives between `SIG_IGN` and the dispatch source's registration is
    /// lost, so that moment has to pass before anyone can know the daemon is there (its port in the log,
    /// READY=1). A test that stopped the daemon as soon as it had logged its port hung when its SIGINT
    /// landed there. A stop signal before the server has started stops it once it has.
    func catchSignals() -> [any DispatchSourceSignal] {
        [SIGTERM, SIGINT, SIGHUP].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { [self] in handle(number) }
            source.resume()
            return source
        }
    }

    /// Blocks the calling thread until a stop signal (caught by `sources`) has drained the server.
    func run(watchdogMilliseconds: Int?, sources: [any DispatchSourceSignal]) {
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
