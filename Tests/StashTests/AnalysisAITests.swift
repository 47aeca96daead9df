import Core
import Stash
import Store
import TestSupport
import Testing

/// `use_ai` against a fake OpenAI-compatible server on loopback: suggestions checked against the names
/// offered, tokens and cost counted; prose, a refused key and no endpoint at all each leave the rules'
/// plan with the reason in its metadata; `POST /settings/test-openai`.
@Suite struct AnalysisAITests {
    static func prepared(_ ai: FakeOpenAI, key: String = FakeOpenAI.key) async throws -> StashFixture {
        try await AnalysisTests.prepared {
            $0.openAI = OpenAISettings(
                url: ai.url, apiKey: key, model: "gpt-4o-mini", timeoutSeconds: 5, promptPricePer1k: 0.15, completionPricePer1k: 0.6)
        }
    }

    static let useAI: JSON = ["scene_ids": ["8"], "options": ["use_ai": true]]

    @Test func suggestionsAreCheckedAgainstWhatWasOffered() async throws {
        let ai = try FakeOpenAI()
        let fixture = try await Self.prepared(ai)
        defer { Task { await fixture.stop() } }
        ai.behaviour = .inventing
        let plan = try await AnalysisTests.plan(fixture, Self.useAI)
        #expect(ai.completions == 1)
        // The prompt offers known names only, and says what the scene has.
        let prompt = try #require(ai.prompts.first)
        #expect(prompt["scene"]?["title"] == "Performer 13 and P20 Alias by the sea")
        #expect(prompt["scene"]?["has"]?["tags"] == ["Tag 9"])
        #expect(prompt["known"]?["performers"]?.arrayValue?.contains("Performer 13") == true)
        #expect(prompt["known"]?["tags"]?.arrayValue?.count == 40)
        let metadata = try #require(plan["metadata"]?["ai"])
        #expect(metadata["used"] == true && metadata["model"] == "gpt-4o-mini" && metadata["scenes_asked"] == 1)
        // Nobody Known, Invented Tag, tag id 99999 and Imaginary Studio were not offered.
        #expect(metadata["dropped_entities"] == 4 && metadata["scenes_failed"] == 0)
        #expect(metadata["prompt_tokens"] == 100 && metadata["completion_tokens"] == 20 && metadata["total_tokens"] == 120)
        #expect(metadata["cost"] == 0.027)
        let changes = fixture.changes(plan: plan, scene: "8")
        // Performer 13 was found by both; Tag 1 by the AI alone (0.6), which leaves the tags change pending.
        #expect(changes["performers"]?["source"] == "rules+ai" && changes["performers"]?["confidence"] == 0.85)
        #expect(changes["tags"]?["proposed_value"] == ["Tag 9", "Tag 12", "Tag 1"])
        #expect(changes["tags"]?["confidence"] == 0.6 && changes["tags"]?["status"] == "pending" && changes["tags"]?["source"] == "rules+ai")
        #expect(changes["studio"]?["proposed_value"] == "Studio 4" && changes["studio"]?["source"] == "rules")
        let text = String(decoding: plan.encoded(), as: UTF8.self)
        #expect(!text.contains("Invented") && !text.contains("Imaginary") && !text.contains("Nobody"))
        #expect(fixture.stash.analysis.openAI.lastOutcome.ready)
    }

    @Test func proseIsAFailureOfThatScene() async throws {
        let ai = try FakeOpenAI()
        let fixture = try await Self.prepared(ai)
        defer { Task { await fixture.stop() } }
        ai.behaviour = .prose
        let plan = try await AnalysisTests.plan(fixture, ["scene_ids": ["8", "16"], "options": ["use_ai": true]])
        #expect(plan["status"] == "completed")
        let metadata = try #require(plan["metadata"]?["ai"])
        #expect(metadata["scenes_asked"] == 2 && metadata["scenes_failed"] == 2 && metadata["reason"] == nil)
        let scene = plan["scenes"]?.arrayValue?.first
        #expect(scene?["reason"] == "The AI's answer is not usable: prose instead of the JSON object asked for")
        // The rules' changes are there all the same.
        #expect(fixture.changes(plan: plan, scene: "8").count == 4)
        #expect(plan["metadata"]?["errors"]?.arrayValue?.count == 2)
    }

    @Test func aRefusedKeyStopsTheAskingAndTheRulesGoOn() async throws {
        let ai = try FakeOpenAI()
        let fixture = try await Self.prepared(ai, key: "sk-wrong-key-0000")
        defer { Task { await fixture.stop() } }
        let plan = try await AnalysisTests.plan(fixture, ["scene_ids": ["8", "16"], "options": ["use_ai": true]])
        let metadata = try #require(plan["metadata"]?["ai"])
        #expect(metadata["scenes_asked"] == 1 && metadata["scenes_failed"] == 1)
        #expect(metadata["reason"] == "stopped asking after: The OpenAI endpoint refused the API key; the rules made the rest")
        #expect(plan["total_changes"] == 7)
        #expect(!String(decoding: plan.encoded(), as: UTF8.self).contains("sk-wrong-key"))
        #expect(fixture.stash.analysis.openAI.lastOutcome.error == "The OpenAI endpoint refused the API key")
    }

    @Test func withoutAnEndpointTheRulesAloneMakeThePlan() async throws {
        let fixture = try await AnalysisTests.prepared()
        defer { Task { await fixture.stop() } }
        let plan = try await AnalysisTests.plan(fixture, Self.useAI)
        #expect(
            plan["metadata"]?["ai"] == [
                "requested": true, "used": false,
                "reason": "No OpenAI-compatible endpoint is configured (integrations.openai.url and api_key); the rules alone made this plan",
            ])
        #expect(plan["total_changes"] == 4)
        let test = try await fixture.owner("POST", "/api/v1/settings/test-openai")
        #expect(test["success"] == false && test["service"] == "openai" && test["details"] == .null)
    }

    @Test func serverErrorsAreRetriedThenReported() async throws {
        let ai = try FakeOpenAI()
        let fixture = try await Self.prepared(ai)
        defer { Task { await fixture.stop() } }
        ai.behaviour = .status(500)
        let plan = try await AnalysisTests.plan(fixture, Self.useAI)
        #expect(plan["scenes"]?.arrayValue?.first?["reason"] == "The OpenAI endpoint failed: HTTP 500: The server had an error")
        ai.behaviour = .slow(milliseconds: 1600)
        var settings = fixture.stash.settings
        settings.openAI.timeoutSeconds = 1
        fixture.stash.update(settings)
        let slow = try await AnalysisTests.plan(fixture, ["scene_ids": ["8", "16"], "options": ["use_ai": true]])
        #expect(slow["metadata"]?["ai"]?["scenes_asked"] == 1)
        #expect(slow["metadata"]?["ai"]?["reason"]?.stringValue?.contains("did not answer in time") == true)
    }

    @Test func connectionTest() async throws {
        let ai = try FakeOpenAI()
        let fixture = try await Self.prepared(ai)
        defer { Task { await fixture.stop() } }
        let saved = try await fixture.owner("POST", "/api/v1/settings/test-openai")
        #expect(saved["success"] == true && saved["message"] == "Successfully connected to OpenAI API")
        #expect(saved["details"] == ["model": "gpt-4o-mini", "available_models": ["gpt-4o", "gpt-4o-mini", "local-model"], "total_models": 3])
        let other = try await fixture.owner("POST", "/api/v1/settings/test-openai", json: ["model": "local-model"])
        #expect(other["success"] == true && other["details"]?["model"] == "local-model")
        let missing = try await fixture.owner("POST", "/api/v1/settings/test-openai", json: ["model": "gpt-5"])
        #expect(missing["success"] == false && missing["message"] == "The endpoint answered, but offers no model 'gpt-5' (it has 3)")
        let wrong = try await fixture.owner("POST", "/api/v1/settings/test-openai", json: ["api_key": "sk-nope-1234"])
        #expect(wrong["success"] == false && wrong["message"] == "The OpenAI endpoint refused the API key")
        for body: JSON in [["api_key": 7], ["model": ""], ["model": .string(String(repeating: "m", count: 200))], [1]] {
            #expect(try await fixture.raw("POST", "/api/v1/settings/test-openai", json: body).status == 400, "\(body)")
        }
        // A test of other settings leaves the readiness check alone.
        #expect(fixture.stash.analysis.openAI.lastOutcome.ready)
    }
}
