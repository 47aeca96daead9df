import Core
import Stash
import Store
import TestSupport
import Testing

/// Analysis plans over a real server and the fake Stash: making them (a scene list, filters, a job),
/// reading, editing, accepting and rejecting changes, and applying only what was accepted.
///
/// Scene 8 (no studio; performers 9 and 16; tag 9) gets a title naming Performer 13 and an alias of
/// Performer 20, a path in Studio 4's folder with a file named after Tag 12, and HTML details; scene 16
/// (no studio; performers 17 and 24; tag 17) names Perf 5, S7 and T4 (aliases of Performer 5, Studio 7, Tag 4).
@Suite struct AnalysisTests {
    static func prepared(settings: (inout StashSettings) -> Void = { _ in }) async throws -> StashFixture {
        let fixture = try StashFixture(settings: settings)
        fixture.fake.edit(
            scene: "8", title: "Performer 13 and P20 Alias by the sea", details: "<p>Sunny&amp;warm</p>", path: "/media/stash/Studio 4/tag-12.mp4")
        fixture.fake.edit(scene: "16", title: "Perf 5 at S7 with T4")
        let job = try await fixture.sync("/api/v1/sync/all")
        #expect(job.status == .completed)
        return fixture
    }

    /// Makes a plan at once and answers it in full.
    static func plan(_ fixture: StashFixture, _ body: JSON) async throws -> JSON {
        let made = try await fixture.owner("POST", "/api/v1/analysis/generate?background=false", json: body)
        #expect(made["status"] == "completed", "\(made)")
        let id = try #require(made["plan_id"]?.intValue)
        return try await fixture.owner("GET", "/api/v1/analysis/plans/\(id)")
    }

    @Test func aPlanProposesWhatTheRulesFindAndAnApplyWritesIt() async throws {
        let fixture = try await Self.prepared()
        defer { Task { await fixture.stop() } }
        let plan = try await Self.plan(fixture, ["scene_ids": ["8", "16", "1"], "plan_name": "First"])
        #expect(plan["name"] == "First" && plan["status"] == "completed")
        #expect(plan["total_scenes"] == 3 && plan["total_changes"] == 7)
        #expect(plan["changes_by_status"]?["accepted"] == 7)
        // Scene 1 proposes nothing, so only 8 and 16 are listed.
        #expect(plan["scenes"]?.arrayValue?.compactMap { $0["scene_id"]?.stringValue } == ["8", "16"])
        let eight = fixture.changes(plan: plan, scene: "8")
        #expect(eight["performers"]?["proposed_value"] == ["Performer 16", "Performer 9", "Performer 13", "Performer 20"])
        #expect(eight["performers"]?["current_value"] == ["Performer 16", "Performer 9"])
        #expect(eight["performers"]?["action"] == "add" && eight["performers"]?["confidence"] == 0.85)
        #expect(eight["studio"]?["proposed_value"] == "Studio 4" && eight["studio"]?["confidence"] == 0.9)
        #expect(eight["studio"]?["action"] == "set" && eight["studio"]?["current_value"] == .null)
        #expect(eight["tags"]?["proposed_value"] == ["Tag 9", "Tag 12"] && eight["tags"]?["confidence"] == 0.9)
        #expect(eight["details"]?["proposed_value"] == "Sunny&warm" && eight["details"]?["confidence"] == 1)
        #expect(eight.values.allSatisfy { $0["status"] == "accepted" && $0["id"]?.intValue != nil })
        let sixteen = fixture.changes(plan: plan, scene: "16")
        #expect(sixteen["performers"]?["proposed_value"] == ["Performer 17", "Performer 24", "Performer 5"])
        #expect(sixteen["tags"]?["proposed_value"] == ["Tag 17", "Tag 4"] && sixteen["tags"]?["confidence"] == 0.85)
        #expect(sixteen["studio"]?["proposed_value"] == "Studio 7" && sixteen["studio"]?["confidence"] == 0.85)

        let list = try await fixture.owner("GET", "/api/v1/analysis/plans?status=completed")
        #expect(list["total"] == 1 && list["items"]?.arrayValue?.first?["id"] == plan["id"] && list["pages"] == 1)

        let id = try #require(plan["id"]?.intValue)
        let applied = try await fixture.owner("POST", "/api/v1/analysis/plans/\(id)/apply?background=false")
        #expect(applied["status"] == "completed" && applied["scenes_updated"] == 2 && applied["changes_applied"] == 7)
        #expect(applied["errors"] == [])
        let mutations = fixture.fake.mutations
        #expect(mutations.count == 2)
        #expect(
            mutations.first == [
                "id": "8", "performer_ids": ["16", "9", "13", "20"], "studio_id": "4", "tag_ids": ["9", "12"], "details": "Sunny&warm",
            ])
        // Stash has it, and so has the copy.
        #expect(fixture.fake.scene("8")?["studio"]?["id"] == "4")
        let copied = try await fixture.owner("GET", "/api/v1/scenes/8")
        #expect(copied["studio"]?["name"] == "Studio 4" && copied["details"] == "Sunny&warm")
        let after = try await fixture.owner("GET", "/api/v1/analysis/plans/\(id)")
        #expect(after["status"] == "applied" && after["applied_at"]?.stringValue != nil)
        #expect(after["changes_by_status"]?["applied"] == 7)
        // An applied plan is applied once; its changes are final.
        try await fixture.owner("POST", "/api/v1/analysis/plans/\(id)/apply?background=false", expect: 409)
        let change = try #require(eight["tags"]?["id"]?.intValue)
        try await fixture.owner("PATCH", "/api/v1/analysis/changes/\(change)", json: ["rejected": true], expect: 409)
    }

    @Test func nothingThatWasNotAcceptedReachesStash() async throws {
        let fixture = try await Self.prepared()
        defer { Task { await fixture.stop() } }
        // Above 0.9 only: the performers (0.85) wait for review.
        let plan = try await Self.plan(fixture, ["scene_ids": ["8"], "options": ["confidence_threshold": 0.9]])
        let changes = fixture.changes(plan: plan, scene: "8")
        #expect(changes["performers"]?["status"] == "pending" && changes["studio"]?["status"] == "accepted")
        let details = try #require(changes["details"]?["id"]?.intValue)
        let rejected = try await fixture.owner("PATCH", "/api/v1/analysis/changes/\(details)", json: ["rejected": true])
        #expect(rejected["status"] == "rejected" && rejected["field"] == "details" && rejected["id"] == .int(details))
        let id = try #require(plan["id"]?.intValue)
        let first = try await fixture.owner("POST", "/api/v1/analysis/plans/\(id)/apply?background=false")
        #expect(first["changes_applied"] == 2)
        #expect(fixture.fake.mutations == [["id": "8", "studio_id": "4", "tag_ids": ["9", "12"]]])
        #expect(try await fixture.owner("GET", "/api/v1/analysis/plans/\(id)")["status"] == "partially_applied")
        // Accepting the performers later applies them alone (the scene moved in Stash by our own write, which is no change since the plan).
        let performers = try #require(changes["performers"]?["id"]?.intValue)
        try await fixture.owner("PATCH", "/api/v1/analysis/changes/\(performers)", json: ["accepted": true])
        let second = try await fixture.owner("POST", "/api/v1/analysis/plans/\(id)/apply?background=false")
        #expect(second["changes_applied"] == 1 && second["scenes_skipped"] == 0)
        #expect(fixture.fake.mutations.last == ["id": "8", "performer_ids": ["16", "9", "13", "20"]])
        // Only the rejected change is left, so the plan is applied.
        #expect(try await fixture.owner("GET", "/api/v1/analysis/plans/\(id)")["status"] == "applied")
        #expect(fixture.fake.scene("8")?["details"] == "<p>Sunny&amp;warm</p>")
    }

    @Test func editingAChangeChecksTheValueAgainstItsField() async throws {
        let fixture = try await Self.prepared()
        defer { Task { await fixture.stop() } }
        let plan = try await Self.plan(fixture, ["scene_ids": ["8"], "options": ["confidence_threshold": 1]])
        let changes = fixture.changes(plan: plan, scene: "8")
        let tags = try #require(changes["tags"]?["id"]?.intValue)
        let studio = try #require(changes["studio"]?["id"]?.intValue)
        let details = try #require(changes["details"]?["id"]?.intValue)
        // Names, ids and aliases are taken; the answer names them as the copy does, and the change is accepted.
        let edited = try await fixture.owner("PATCH", "/api/v1/analysis/changes/\(tags)", json: ["proposed_value": ["Tag 9", "3", "tag-12", "T12"]])
        #expect(edited["proposed_value"] == ["Tag 9", "Tag 3", "Tag 12"] && edited["status"] == "accepted")
        #expect(edited["current_value"] == ["Tag 9"] && edited["confidence"] == 0.9)
        let moved = try await fixture.owner("PATCH", "/api/v1/analysis/changes/\(studio)", json: ["proposed_value": "S6", "accepted": false])
        #expect(moved["proposed_value"] == "Studio 6" && moved["status"] == "pending")
        try await fixture.owner("PATCH", "/api/v1/analysis/changes/\(details)", json: ["proposed_value": "Sunny and warm."])
        let wrong: [(Int64, JSON)] = [
            (tags, ["proposed_value": "Tag 1"]), (tags, ["proposed_value": ["Tag 1", ["id": "2"]]]), (tags, ["proposed_value": ["No Such Tag"]]),
            (studio, ["proposed_value": ["Studio 1"]]), (studio, ["proposed_value": "Nowhere"]), (details, ["proposed_value": 5]),
            (details, ["proposed_value": .null]), (details, [:]), (details, ["accepted": true, "rejected": true]), (details, ["accepted": "yes"]),
            (details, ["proposed_value": .string(String(repeating: "x", count: 70_000))]),
        ]
        for (change, body) in wrong {
            let reply = try await fixture.raw("PATCH", "/api/v1/analysis/changes/\(change)", json: body)
            #expect(reply.status == 400, "\(body)")
            #expect(reply.text.contains("VALIDATION_ERROR"))
        }
        for path in ["/api/v1/analysis/changes/999999", "/api/v1/analysis/changes/abc", "/api/v1/analysis/changes/-1"] {
            #expect(try await fixture.raw("PATCH", path, json: ["accepted": true]).status == 404)
        }
        let id = try #require(plan["id"]?.intValue)
        try await fixture.owner("POST", "/api/v1/analysis/plans/\(id)/apply?background=false")
        #expect(fixture.fake.mutations == [["id": "8", "tag_ids": ["9", "3", "12"], "details": "Sunny and warm."]])
    }

    @Test func aPlanOverNoScenesIsRefused() async throws {
        let fixture = try await Self.prepared()
        defer { Task { await fixture.stop() } }
        let bodies: [JSON] = [
            ["scene_ids": []], ["scene_ids": ["nope", "0"]], ["filters": ["search": "zzzzqqq"]], ["filters": ["studio_id": "999"]],
            ["scene_ids": ["8"], "filters": ["organized": true]], ["filters": ["unknown": 1]], ["filters": ["organized": "maybe"]],
            ["scene_ids": "8"], ["scene_ids": ["8"], "options": ["use_ai": "yes"]], ["scene_ids": ["8"], "options": ["confidence_threshold": 2]],
            ["scene_ids": ["8"], "options": ["detect_performers": false, "detect_studios": false, "detect_tags": false, "detect_details": false]],
            ["scene_ids": ["8"], "options": ["bogus": true]], ["scene_ids": ["8"], "plan_name": ""], [1, 2],
        ]
        for body in bodies {
            let reply = try await fixture.raw("POST", "/api/v1/analysis/generate?background=false", json: body)
            #expect(reply.status == 400, "\(body): \(reply.text)")
        }
        let none = try await fixture.raw("POST", "/api/v1/analysis/generate", json: ["scene_ids": []])
        #expect(none.text.contains("The plan would cover 0 scenes"))
        #expect(try await fixture.owner("GET", "/api/v1/analysis/plans")["total"] == 0)
        for path in ["/api/v1/analysis/plans/1", "/api/v1/analysis/plans/x", "/api/v1/analysis/plans/99999999999999999999"] {
            #expect(try await fixture.raw("GET", path).status == 404)
        }
        #expect(try await fixture.raw("POST", "/api/v1/analysis/plans/1/apply").status == 404)
        #expect(try await fixture.raw("GET", "/api/v1/analysis/plans?status=weird").status == 400)
        #expect(try await fixture.raw("GET", "/api/v1/analysis/plans?per_page=0").status == 400)
    }

    @Test func filtersMakeABatchAnalysisJob() async throws {
        let fixture = try await Self.prepared()
        defer { Task { await fixture.stop() } }
        // Performer 17's scenes (16, 76, 136, 196), as a job.
        let queued = try await fixture.owner("POST", "/api/v1/analysis/generate", json: ["filters": ["performer_ids": ["17"]]])
        #expect(queued["status"] == "queued" && queued["message"] == "Analysis job queued for 4 scenes")
        let job = try await fixture.finished(try #require(queued["job_id"]?.stringValue))
        #expect(job.status == .completed && job.kind == .analysis && job.parameters["job_type"] == "batch_analysis")
        #expect(job.completedItems == 4 && job.progress == 100)
        let plan = try await fixture.owner("GET", "/api/v1/analysis/plans/\(try #require(job.result?["plan_id"]?.intValue))")
        #expect(plan["total_scenes"] == 4 && plan["total_changes"] == 3 && plan["job_id"] == .string(job.id))
        #expect(plan["metadata"]?["ai"]?["used"] == false && plan["metadata"]?["options"] == nil)
        // The job's log has a line per scene.
        let items = try await fixture.rows("SELECT item_key, reason FROM job_items WHERE job_id = ?", [.text(job.id)])
        #expect(items.count == 4)
        #expect(items.first { $0.string("item_key") == "16" }?.string("reason") == "performers, studio, tags")
        #expect(items.first { $0.string("item_key") == "76" }?.string("reason") == "no change")
        // A scene list is a scene_analysis job.
        let listed = try await fixture.owner("POST", "/api/v1/analysis/generate", json: ["scene_ids": ["16"]])
        let second = try await fixture.finished(try #require(listed["job_id"]?.stringValue))
        #expect(second.parameters["job_type"] == "scene_analysis")
        #expect(try await fixture.owner("GET", "/api/v1/analysis/plans?per_page=1")["pages"] == 2)
    }

    @Test func scenesDeletedOrChangedInStashSinceThePlanAreSkipped() async throws {
        let fixture = try await Self.prepared()
        defer { Task { await fixture.stop() } }
        let plan = try await Self.plan(fixture, ["scene_ids": ["8", "16"]])
        fixture.fake.delete(scenes: ["8"])
        fixture.fake.touch(scenes: ["16"])
        let id = try #require(plan["id"]?.intValue)
        let applied = try await fixture.owner("POST", "/api/v1/analysis/plans/\(id)/apply?background=false")
        #expect(applied["status"] == "completed" && applied["scenes_skipped"] == 2 && applied["changes_applied"] == 0)
        #expect(applied["changes_failed"] == 7)
        #expect(fixture.fake.mutations.isEmpty)
        let after = try await fixture.owner("GET", "/api/v1/analysis/plans/\(id)")
        #expect(after["status"] == "partially_applied")
        let scenes = after["scenes"]?.arrayValue ?? []
        #expect(scenes.first?["reason"] == "the scene was deleted in Stash since the plan")
        #expect(scenes.last?["reason"]?.stringValue?.hasPrefix("the scene changed in Stash since the plan") == true)
        #expect(fixture.changes(plan: after, scene: "8").values.allSatisfy { $0["status"] == "failed" && $0["reason"] == scenes.first?["reason"] })
        // Only some scenes: scene_ids narrows the apply.
        let narrowed = try await fixture.owner("POST", "/api/v1/analysis/plans/\(id)/apply?background=false&scene_ids=16")
        #expect(narrowed["scenes_skipped"] == 1)
        try await fixture.owner("POST", "/api/v1/analysis/plans/\(id)/apply?background=false&scene_ids=1,2", expect: 400)
    }

    @Test func twoAppliesOfOnePlanAtOnce() async throws {
        let fixture = try await Self.prepared()
        defer { Task { await fixture.stop() } }
        let plan = try await Self.plan(fixture, ["scene_ids": ["8", "16"]])
        let id = try #require(plan["id"]?.intValue)
        fixture.fake.delayMilliseconds = 200
        let first = try await fixture.owner("POST", "/api/v1/analysis/plans/\(id)/apply")
        #expect(first["status"] == "queued" && first["message"] == "Plan application job has been queued")
        let second = try await fixture.raw("POST", "/api/v1/analysis/plans/\(id)/apply")
        #expect(second.status == 409 && second.text.contains("The plan is being applied"))
        // Its changes wait too.
        let change = try #require(fixture.changes(plan: plan, scene: "8")["tags"]?["id"]?.intValue)
        #expect(try await fixture.raw("PATCH", "/api/v1/analysis/changes/\(change)", json: ["rejected": true]).status == 409)
        let job = try await fixture.finished(try #require(first["job_id"]?.stringValue))
        #expect(job.status == .completed && job.parameters["job_type"] == "apply_plan" && job.completedItems == 2)
        #expect(fixture.fake.mutations.count == 2)
        let items = try await fixture.rows("SELECT item_key, status FROM job_items WHERE job_id = ? ORDER BY item_key", [.text(job.id)])
        #expect(items.map { $0.string("status") ?? "" } == ["completed", "completed"])
    }

    @Test func stashFailingDuringAnApply() async throws {
        let fixture = try await Self.prepared()
        defer { Task { await fixture.stop() } }
        let plan = try await Self.plan(fixture, ["scene_ids": ["8", "16"]])
        let id = try #require(plan["id"]?.intValue)
        let path = "/api/v1/analysis/plans/\(id)/apply?background=false"
        let good = fixture.stash.settings

        // GraphQL errors for one scene: its changes fail with the reason, the other scene is written.
        fixture.fake.failingUpdates = ["8"]
        let partly = try await fixture.owner("POST", path)
        #expect(partly["status"] == "completed" && partly["scenes_updated"] == 1 && partly["scenes_failed"] == 1)
        #expect(partly["errors"] == ["scene 8: Stash answered with an error: sceneUpdate: UNIQUE constraint failed"])
        #expect(fixture.fake.mutations.map { $0["id"] } == ["16"])
        fixture.fake.failingUpdates = []

        // A wrong key, Stash down, Stash too slow: the apply stops with the reason; nothing is written.
        var wrongKey = good
        wrongKey.apiKey = "wrong-key"
        var down = good
        down.url = "http://127.0.0.1:1"
        var impatient = good
        impatient.timeoutSeconds = 1
        for (settings, reason, slow) in [
            (wrongKey, "Stash refused the API key", false), (down, "Stash failed: Stash is unreachable", false),
            (impatient, "Stash failed: Stash did not answer in time", true),
        ] {
            fixture.stash.update(settings)
            fixture.fake.behaviour = slow ? .slow(milliseconds: 1600) : .normal
            let failed = try await fixture.owner("POST", path)
            #expect(failed["status"] == "failed" && failed["changes_applied"] == 0)
            #expect(failed["errors"]?.arrayValue?.last == .string(reason))
            #expect(!(failed["errors"]?.arrayValue ?? []).contains { $0.stringValue?.contains("wrong-key") == true })
            #expect(try await fixture.owner("GET", "/api/v1/analysis/plans/\(id)")["status"] == "partially_applied")
        }
        #expect(fixture.fake.mutations.count == 1)
        let reasons = fixture.changes(plan: try await fixture.owner("GET", "/api/v1/analysis/plans/\(id)"), scene: "8")
        #expect(reasons.values.allSatisfy { $0["status"] == "failed" && $0["reason"] == "Stash failed: Stash did not answer in time" })

        // Stash back: the failed changes go again, and the plan is applied.
        fixture.fake.behaviour = .normal
        fixture.stash.update(good)
        let retried = try await fixture.owner("POST", path)
        #expect(retried["status"] == "completed" && retried["changes_applied"] == 4)
        #expect(try await fixture.owner("GET", "/api/v1/analysis/plans/\(id)")["status"] == "applied")
        // Stash not configured: 503 before anything.
        var off = good
        off.enabled = false
        fixture.stash.update(off)
        #expect(try await fixture.raw("POST", path).status == 503)
    }

    @Test func cancellingTheJobEndsThePlan() async throws {
        let ai = try FakeOpenAI()
        let fixture = try await Self.prepared { $0.openAI = OpenAISettings(url: ai.url, apiKey: FakeOpenAI.key, timeoutSeconds: 5) }
        defer { Task { await fixture.stop() } }
        ai.behaviour = .slow(milliseconds: 100)
        let queued = try await fixture.owner(
            "POST", "/api/v1/analysis/generate", json: ["scene_ids": .array((1...60).map { JSON.string("\($0)") }), "options": ["use_ai": true]])
        let jobID = try #require(queued["job_id"]?.stringValue)
        for _ in 0..<200 where ai.completions < 3 { try await Task.sleep(for: .milliseconds(20)) }
        _ = try await fixture.rows("UPDATE jobs SET status = 'cancelled' WHERE id = ?", [.text(jobID)])
        let plan = try #require(queued["plan_id"]?.intValue)
        var status: JSON?
        for _ in 0..<200 {
            status = try await fixture.owner("GET", "/api/v1/analysis/plans/\(plan)")["status"]
            if status != "pending" { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(status == "cancelled")
        #expect(ai.completions < 60)
        try await fixture.owner("POST", "/api/v1/analysis/plans/\(plan)/apply", expect: 409)
    }
}
