import Core
import FoundationEssentials
import Jobs
import Store
import Testing

@testable import HTTP
@testable import Routes

#if canImport(Glibc)
    import Glibc
#endif

/// A real job runner and schedule service over a state database in a temp dir, with no Plex server
/// configured (so every job fails at its listing, which is what these route tests need), and the
/// jobs and schedules routes in-process.
final class JobsFixture: @unchecked Sendable {
    let directory: String
    let store: JobStore
    let runner: JobRunner
    let schedules: ScheduleService
    let router: Router

    /// `settings` gets the temp dir; by default no Plex server and no workers.
    init(settings: (@Sendable (String) -> JobSettings)? = nil) throws {
        var template = Array("/tmp/jobs-api-XXXXXX".utf8CString)
        _ = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        directory = String(cString: template.withUnsafeBufferPointer { $0.baseAddress! })
        let database = try Database.openState(root: directory)
        store = JobStore(database: database)
        let folder = directory
        runner = JobRunner(store: store) { settings?(folder) ?? JobSettings(plex: nil, plexConfigFolder: folder, cpuWorkers: 0) }
        try runner.start()
        schedules = ScheduleService(store: ScheduleStore(database: database), runner: runner)
        router = Router(JobsRoutes(runner: runner).routes + SchedulesRoutes(schedules: schedules).routes)
        // From here on a handler that calls SQLite on the cooperative pool traps instead of passing.
        database.poolPolicy = .refuse
    }

    deinit {
        runner.stop()
        _ = "rm -rf '\(directory)'".withCString { system($0) }
    }

    func call(_ method: String, _ path: String, query: [String: String] = [:], body: String = "") async throws -> (Int, JSON) {
        guard case .found(let route, let parameters) = router.match(method: method, path: path) else { return (404, .null) }
        let resource = path.hasPrefix("/api/schedules") ? "schedules" : "jobs"
        #expect(route.access == .permission(resource + (method == "GET" ? ":read" : ":write")), "\(method) \(path)")
        let request = Request(method: method, path: path, query: query, body: Array(body.utf8), parameters: parameters)
        do {
            let response: Response
            switch route.handler {
            case .immediate(let handler): response = try handler(request)
            case .async(let handler), .upgradeOrAsync(_, let handler): response = try await handler(request)
            case .webSocket: return (400, .null)
            }
            return (response.status, try JSON.decode(response.body))
        } catch let error as HTTPError {
            return (error.status, ["code": .string(error.code), "message": .string(error.message), "detail": JSON(error.detail)])
        }
    }

    /// Polls until the job is final (at most 30 s).
    func final(_ id: String) async throws -> JobRecord? {
        for _ in 0..<600 {
            if let job = try await store.perform({ try $0.get(id) }), job.status.isFinal { return job }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try await store.perform { try $0.get(id) }
    }
}

struct JobsRoutesTests {
    @Test func jobTypesOf004KeptInParameters() async throws {
        let fixture = try JobsFixture()
        let sync = try await fixture.store.perform { try $0.create(kind: .sync, parameters: ["job_type": "sync_all"]) }
        _ = try await fixture.store.perform { try $0.create(kind: .sync, parameters: ["job_type": "scene_sync"]) }
        let (status, list) = try await fixture.call("GET", "/api/v1/jobs", query: ["job_type": "sync_all"])
        #expect(status == 200)
        #expect(list.arrayValue?.map { $0["id"] } == [.string(sync.id)])
        #expect(list.arrayValue?.first?["type"] == "sync_all")
        #expect(try await fixture.call("GET", "/api/v1/jobs", query: ["job_type": "sync"]).1.arrayValue?.count == 2)
        #expect(try await fixture.call("GET", "/api/v1/jobs/\(sync.id)").1["type"] == "sync_all")
        // The analysis half's types are kept the same way, on jobs of kind analysis.
        let apply = try await fixture.store.perform { try $0.create(kind: .analysis, parameters: ["job_type": "apply_plan"]) }
        let applies = try await fixture.call("GET", "/api/v1/jobs", query: ["job_type": "apply_plan"])
        #expect(applies.0 == 200 && applies.1.arrayValue?.map { $0["id"] } == [.string(apply.id)])
        #expect(try await fixture.call("GET", "/api/v1/jobs", query: ["job_type": "scene_analysis"]).1.arrayValue?.isEmpty == true)
        #expect(try await fixture.call("GET", "/api/v1/jobs", query: ["job_type": "plan_apply"]).0 == 400)
    }

    @Test func createListDetailAndDelete() async throws {
        let fixture = try JobsFixture()
        let (created, body) = try await fixture.call("POST", "/api/jobs", body: #"{"library_id":"1","library_name":"Movies"}"#)
        #expect(created == 201)
        #expect(body["message"] == "Job created successfully")
        let id = try #require(body["id"]?.stringValue)

        // No Plex is configured: the job fails at its listing, with the reason.
        let job = try #require(try await fixture.final(id))
        #expect(job.status == .failed)
        #expect(job.error?.contains("No Plex server") == true)

        let (listed, list) = try await fixture.call("GET", "/api/jobs")
        #expect(listed == 200)
        let first = try #require(list["jobs"]?.arrayValue?.first)
        #expect(first["id"]?.stringValue == id)
        #expect(first["library_name"] == "Movies")
        #expect(first["status"] == "failed")
        #expect(try await fixture.call("GET", "/api/jobs", query: ["status": "running"]).1["jobs"] == [])

        let (shown, detail) = try await fixture.call("GET", "/api/jobs/\(id)")
        #expect(shown == 200)
        #expect(detail["workers"] == [])
        #expect(detail["failed_item_results"] == [])
        #expect(try await fixture.call("GET", "/api/jobs/\(id)/items").1["items"] == [])

        let (v1, v1List) = try await fixture.call("GET", "/api/v1/jobs", query: ["job_type": "thumbnail", "limit": "10"])
        #expect(v1 == 200)
        #expect(v1List.arrayValue?.count == 1)
        let (v1Shown, v1Detail) = try await fixture.call("GET", "/api/v1/jobs/\(id)")
        #expect(v1Shown == 200)
        #expect(v1Detail["metadata"]?["library_id"] == "1")
        #expect(v1Detail["logs"] == [])

        // Finished: cancel is a conflict (400 on 004's DELETE), delete works once.
        #expect(try await fixture.call("POST", "/api/jobs/\(id)/cancel").0 == 409)
        #expect(try await fixture.call("DELETE", "/api/v1/jobs/\(id)").0 == 400)
        #expect(try await fixture.call("DELETE", "/api/jobs/\(id)").0 == 200)
        #expect(try await fixture.call("DELETE", "/api/jobs/\(id)").0 == 404)
        #expect(try await fixture.call("GET", "/api/jobs/\(id)").0 == 404)
        #expect(try await fixture.call("GET", "/api/v1/jobs/job-x").0 == 404)
    }

    @Test(arguments: [
        ("POST", "/api/jobs", [:], #"{"library_name":"Movies"}"#, "library_id"),
        ("POST", "/api/jobs", [:], #"{"library_id":""}"#, "library_id"),
        ("POST", "/api/jobs", [:], #"{"library_id":"1","force":"yes"}"#, "force"),
        ("POST", "/api/jobs", [:], "[1]", "body"),
        ("GET", "/api/jobs", ["status": "sleeping"], "", "status"),
        ("GET", "/api/jobs", ["limit": "0"], "", "limit"),
        ("GET", "/api/v1/jobs", ["limit": "101"], "", "limit"),
        ("GET", "/api/v1/jobs", ["job_type": "transcode"], "", "job_type"),
    ] as [(String, String, [String: String], String, String)])
    func badInputIs400NamingTheField(method: String, path: String, query: [String: String], body: String, field: String) async throws {
        let fixture = try JobsFixture()
        let (status, error) = try await fixture.call(method, path, query: query, body: body)
        #expect(status == 400)
        #expect(error["detail"]?.stringValue == field)
    }

    @Test func schedulesCreateUpdateRunAndDelete() async throws {
        let fixture = try JobsFixture()
        let (created, body) = try await fixture.call(
            "POST", "/api/schedules",
            body: #"{"name":"Nightly Movies","library_id":"1","schedule_type":"cron","cron_expression":"0 2 * * *"}"#)
        #expect(created == 201)
        #expect(body["success"] == true)
        #expect(body["next_run"]?.stringValue?.contains("T02:00:00") == true)
        let id = try #require(body["id"]?.stringValue)

        let (updated, change) = try await fixture.call("PUT", "/api/schedules/\(id)", body: #"{"enabled":false,"interval_minutes":90,"schedule_type":"interval"}"#)
        #expect(updated == 200)
        #expect(change["schedule"]?["enabled"] == false)
        #expect(change["schedule"]?["schedule_type"] == "interval")
        #expect(change["schedule"]?["interval_minutes"] == 90)

        let listed = try await fixture.call("GET", "/api/schedules").1
        #expect(listed["schedules"]?.arrayValue?.map { $0["name"] } == ["Nightly Movies"])

        let (ran, run) = try await fixture.call("POST", "/api/schedules/\(id)/run")
        #expect(ran == 200)
        let jobID = try #require(run["job_id"]?.stringValue)
        #expect(try await fixture.store.perform { try $0.get(jobID) }?.scheduleID == id)

        #expect(try await fixture.call("DELETE", "/api/schedules/\(id)").0 == 200)
        #expect(try await fixture.call("DELETE", "/api/schedules/\(id)").0 == 404)
        #expect(try await fixture.call("POST", "/api/schedules/\(id)/run").0 == 404)
        #expect(try await fixture.call("PUT", "/api/schedules/\(id)", body: "{}").0 == 404)
    }

    @Test(arguments: [
        #"{"library_id":"1","cron_expression":"0 2 * * *"}"#,
        #"{"name":"x","library_id":"1","cron_expression":"61 2 * * *"}"#,
        #"{"name":"x","library_id":"1","schedule_type":"hourly"}"#,
        #"{"name":"x","library_id":"1","schedule_type":"interval"}"#,
        #"{"name":"x","library_id":"1","interval_minutes":0}"#,
        #"{"name":"x","library_id":"1","cron_expression":"0 2 * * *","enabled":"no"}"#,
        "[]",
    ])
    func badSchedulesAre400(body: String) async throws {
        let fixture = try JobsFixture()
        #expect(try await fixture.call("POST", "/api/schedules", body: body).0 == 400)
        #expect(try await fixture.call("GET", "/api/schedules").1["schedules"] == [])
    }

    /// 30 February never comes: such a schedule is refused when created and when changed, naming the field.
    @Test func scheduleThatNeverFiresIs400() async throws {
        let fixture = try JobsFixture()
        for cron in ["0 0 30 2 *", "0 0 31 4 *"] {
            let (status, body) = try await fixture.call(
                "POST", "/api/schedules", body: #"{"name":"x","library_id":"1","cron_expression":"\#(cron)"}"#)
            #expect(status == 400)
            #expect("\(body)".contains("never fires"), "\(body)")
        }
        let (_, created) = try await fixture.call(
            "POST", "/api/schedules", body: #"{"name":"x","library_id":"1","cron_expression":"0 2 * * *"}"#)
        let id = try #require(created["id"]?.stringValue)
        let (status, body) = try await fixture.call("PUT", "/api/schedules/\(id)", body: #"{"cron_expression":"0 0 30 2 *"}"#)
        #expect(status == 400)
        #expect("\(body)".contains("cron_expression"), "\(body)")
    }
}
