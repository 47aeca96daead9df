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
/// is a Swift task, and the test process's cooperative pool has one thread per core. Sync test bodies
/// that block (decodes, child processes, sleeps) held those threads, so the handler's task could not
/// start until they let go. Blocking test work therefore runs on threads of its own (`offPool`); this
/// shows that with more such work than the pool has threads, an `.async` route still answers at once.
struct PoolStarvationTests {
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
