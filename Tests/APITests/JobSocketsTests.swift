import Core
import Jobs
import Store
import Testing

@testable import HTTP
@testable import Routes
import TestSupport

/// The job WebSockets over a real server and runner: 000's `/api/ws` stream and 004's per-job socket,
/// whose status reads happen off the publishing (worker) thread.
@Suite(.serialized)
struct JobSocketsTests {
    static func open(_ server: TestServer, _ path: String) async throws -> RawHTTPClient {
        try await WebSocketLimitsTests.open(server, path)
    }

    static func message(_ client: RawHTTPClient) async throws -> JSON? {
        guard let frame = try await WebSocketTests.readFrame(client), frame.opcode == WebSocketFrame.text else { return nil }
        return try JSON.decode(frame.payload)
    }

    @Test func oneJobsSocketFollowsItsJob() async throws {
        let fixture = try JobsFixture()
        let server = try TestServer(routes: JobEventsRoutes(runner: fixture.runner).routes)
        defer { Task { await server.server.stop() } }
        let runner = fixture.runner
        let job = try await fixture.store.perform { _ in try runner.createThumbnailJob(libraryID: "1") }
        _ = try await fixture.final(job.id)

        let client = try await Self.open(server, "/api/v1/jobs/\(job.id)/ws")
        let first = try #require(try await Self.message(client))
        #expect(first["type"] == "job_status" && first["job_id"] == .string(job.id) && first["status"] == "failed")
        // An event about another job sends nothing; one about this job sends its status again.
        fixture.runner.events.publish(JobEvent(event: "job_progress", data: [:], jobID: "other"))
        fixture.runner.events.publish(JobEvent(event: "job_progress", data: [:], jobID: job.id))
        let second = try #require(try await Self.message(client))
        #expect(second["job_id"] == .string(job.id))

        try await client.send(WebSocketTests.masked(WebSocketFrame.text, Array(#"{"type":"ping"}"#.utf8)))
        #expect(try await Self.message(client)?["type"] == "pong")
        try await client.send(WebSocketTests.masked(WebSocketFrame.text, Array("hello".utf8)))
        #expect(try await Self.message(client)?["type"] == "error")
    }

    @Test func unknownJobIsAnErrorThenClose() async throws {
        let fixture = try JobsFixture()
        let server = try TestServer(routes: JobEventsRoutes(runner: fixture.runner).routes)
        defer { Task { await server.server.stop() } }
        let client = try await Self.open(server, "/api/v1/jobs/nope/ws")
        #expect(try await Self.message(client)?["type"] == "error")
        let close = try #require(try await WebSocketTests.readFrame(client))
        #expect(close.opcode == WebSocketFrame.close && close.payload == [0x03, 0xF0])
    }

    @Test func theEventStreamCarriesJobEvents() async throws {
        let fixture = try JobsFixture()
        let server = try TestServer(routes: JobEventsRoutes(runner: fixture.runner).routes)
        defer { Task { await server.server.stop() } }
        let client = try await Self.open(server, "/api/ws")
        // The socket subscribes in its handler task; publish until the first event arrives.
        let publisher = Task {
            for _ in 0..<200 {
                fixture.runner.events.publish(JobEvent(event: "job_progress", data: ["progress": 50], jobID: "j1"))
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        defer { publisher.cancel() }
        let event = try #require(try await Self.message(client))
        #expect(event["event"] == "job_progress" && event["data"]?["progress"] == 50)
    }
}
