public import HTTP
import Core
public import Jobs
import Store

/// The job WebSockets: 000's `/api/ws` (every `job_progress`, `job_complete`, `job_error` and
/// `worker_update` as `{"event", "data"}`) and 004's `/api/v1/jobs/{job_id}/ws` (`job_status`
/// on every change of one job, `ping` → `pong`, `error` for an unknown job).
public struct JobEventsRoutes: RouteProvider {
    let runner: JobRunner

    public init(runner: JobRunner) {
        self.runner = runner
    }

    public var routes: [Route] {
        let runner = runner
        return [
            Route(
                "GET", "/api/ws", access: .permission("jobs:read"), doc: RouteDoc("Job and worker events (WebSocket)", tag: "jobs"),
                handler: .webSocket { _, socket in
                    let id = runner.events.subscribe { event in
                        socket.send(text: Self.text(event.message))
                    }
                    while let message = await socket.receive() {
                        if message.contains("\"ping\"") { socket.send(text: Self.text(["event": "pong", "data": [:]])) }
                    }
                    runner.events.unsubscribe(id)
                }),
            Route(
                "GET", "/api/v1/jobs/{job_id}/ws", access: .permission("jobs:read"),
                doc: RouteDoc("One job's status (WebSocket, 004)", tag: "jobs"),
                handler: .webSocket { request, socket in
                    let jobID = request.parameter("job_id")
                    let store = runner.store
                    guard let job = (try? await store.perform { try $0.get(jobID) }) ?? nil else {
                        socket.send(text: Self.text(["type": "error", "message": .string("Job \(jobID) not found")]))
                        socket.close(code: 1008)
                        return
                    }
                    socket.send(text: Self.text(JobsRoutes.jobStatus(job)))
                    // The publisher (a worker thread) only signals; the job is read from the store here,
                    // off its thread, and a burst of events becomes one read (newest only).
                    let (changes, signal) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
                    let id = runner.events.subscribe { event in
                        if event.jobID == jobID { signal.yield() }
                    }
                    let statusTask = Task {
                        for await _ in changes {
                            guard let job = (try? await store.perform { try $0.get(jobID) }) ?? nil else { continue }
                            socket.send(text: Self.text(JobsRoutes.jobStatus(job)))
                        }
                    }
                    while let message = await socket.receive() {
                        let type = (try? JSON.decode(Array(message.utf8)))?["type"]?.stringValue
                        if type == "ping" {
                            socket.send(text: Self.text(["type": "pong"]))
                        } else {
                            socket.send(text: Self.text(["type": "error", "message": "Expected {\"type\": \"ping\"}"]))
                        }
                    }
                    signal.finish()
                    statusTask.cancel()
                    runner.events.unsubscribe(id)
                }),
        ]
    }

    static func text(_ value: JSON) -> String { String(decoding: value.encoded(), as: UTF8.self) }
}
