import Core
import Dispatch
import Synchronization
import TestSupport
import Testing

@testable import HTTP
@testable import Routes

#if canImport(Glibc)
    import Glibc
#endif

/// Why one request to the in-process server once went unanswered for 76 s: every `.async` handler
/// was a Swift task on the global cooperative pool, which has one thread per core, and the test
/// process holds those threads with work of its own: sync test bodies that block (decodes, child
/// processes, sleeps) and, at the start of a run, every test's fixture opening and migrating its
/// SQLite files at once (a probe task enqueued 0.5 s into a full run first ran 21–40 s later). Handlers
/// now run on the server's own threads (`HandlerExecutor`), so an answer never waits for the pool;
/// `make test` bounds how many tests run at once, and blocking test work runs on threads of its own
/// (`offPool`). docs/testing.md, "Blocking work in tests".
struct PoolStarvationTests {
    /// The whole global pool held by tasks that block: an `.async` route still answers, and a task
    /// enqueued on the pool before the request has not run by the time the answer is in.
    @Test func asyncHandlersDoNotNeedTheGlobalPool() async throws {
        let server = try TestServer(routes: [
            .get("/api/echo", .public, RouteDoc("Echo", tag: "test")) { _ in .text("ok") }
        ])
        let width = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        let events = Events()
        let started = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let requester = Task {
            // On a thread of its own: while the pool is held, no task of this test can run.
            try await offPool {
                for _ in 0..<width where started.wait(timeout: .now() + 60) == .timedOut {
                    events.add("the pool has fewer than \(width) threads")
                    break
                }
                Task.detached { events.add("pool ran a task") }
                defer { for _ in 0..<width { release.signal() } }
                let reply = try RawHTTPClient.requestBlocking(port: server.port, "GET", "/api/echo", timeoutSeconds: 20)
                events.add("answered \(reply.status)")
            }
        }
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<width {
                group.addTask { holdThread(started: started, release: release) }
            }
        }
        try await requester.value
        #expect(events.all.first == "answered 200")
    }


    @Test func blockingWorkOnItsOwnThreadsLeavesHandlersRunning() async throws {
        let server = try TestServer(routes: [
            .get("/api/echo", .public, RouteDoc("Echo", tag: "test")) { _ in .text("ok") }
        ])
        let blockers = 4 * max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
        let events = Events()
        let started = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<blockers {
                group.addTask {
                    // Holds a thread until the request below is answered, as a long decode would.
                    try await offPool {
                        started.signal()
                        release.wait()
                    }
                    events.add("released")
                }
            }
            group.addTask {
                try await offPool { for _ in 0..<blockers { started.wait() } }
                let reply = try await server.request("GET", "/api/echo")
                events.add("answered \(reply.status)")
                for _ in 0..<blockers { release.signal() }
            }
            try await group.waitForAll()
        }
        let order = events.all
        #expect(order.first == "answered 200")
        #expect(order.count { $0 == "released" } == blockers)
    }
}

/// What happened, in order, from any thread.
final class Events: Sendable {
    private let list = Mutex<[String]>([])

    func add(_ event: String) { list.withLock { $0.append(event) } }
    var all: [String] { list.withLock { $0 } }
}

/// Blocks the calling thread (a thread of the global pool, when called from a task) until released.
private func holdThread(started: DispatchSemaphore, release: DispatchSemaphore) {
    started.signal()
    release.wait()
}
