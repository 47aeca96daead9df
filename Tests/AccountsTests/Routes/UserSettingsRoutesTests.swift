import Accounts
import Core
import HTTP
import TestSupport
import Testing

/// 003's `/settings/user` and `/settings/user/{key}`, beside 004's `/api/v1/settings/{key}`.
struct UserSettingsRoutesTests {
    @Test func settingsAreThePreferencesKeyByKey() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        let (ann, headers, _) = try await fixture.signedIn("ann")
        let list = try await fixture.request("GET", "/api/v1/settings/user", headers: headers)
        #expect(list.status == 200)
        let theme = try #require(list.json.arrayValue?.first { $0["key"] == "theme" })
        #expect(
            theme == [
                "user_id": .string(ann.id), "key": "theme", "value": "system", "data_type": "string", "category": "ui", "description": "UI theme",
            ])

        let set = try await fixture.request("PUT", "/api/v1/settings/user/theme", headers: headers, json: ["value": "dark"])
        #expect(set.status == 200 && set.json["value"] == "dark")
        let own = try await fixture.request("PUT", "/api/v1/settings/user/home.rows", headers: headers, json: ["value": 3])
        #expect(own.status == 200 && own.json["data_type"] == "integer" && own.json["category"] == "custom")
        let merged = try await fixture.request(
            "PUT", "/api/v1/settings/user/digest_notifications", headers: headers, json: ["value": ["enabled": true]])
        #expect(merged.json["value"] == ["enabled": true, "frequency": "weekly"] && merged.json["data_type"] == "json")
        #expect(try await fixture.request("GET", "/api/v1/users/me/preferences", headers: headers).json["theme"] == "dark")
        #expect(try await fixture.request("GET", "/api/v1/settings/user/home.rows", headers: headers).json["value"] == 3)
        #expect(try await fixture.activity(ActivityAction.settingsWrite).count == 3)

        #expect(try await fixture.request("DELETE", "/api/v1/settings/user/theme", headers: headers).status == 204)
        #expect(try await fixture.request("GET", "/api/v1/settings/user/theme", headers: headers).json["value"] == "system")
        #expect(try await fixture.request("DELETE", "/api/v1/settings/user/home.rows", headers: headers).status == 204)
        #expect(try await fixture.request("GET", "/api/v1/settings/user/home.rows", headers: headers).status == 404)
        #expect(try await fixture.request("DELETE", "/api/v1/settings/user/home.rows", headers: headers).status == 404)
    }

    static let badSettings: [(String, JSON, String)] = [
        ("theme", ["value": "neon"], "value"), ("show_spoilers", ["value": "yes"], "value"), ("mine", ["value": nil], "value"),
        ("mine", ["other": 1], "value"), ("Theme!", ["value": "dark"], "key"),
        ("digest_notifications", ["value": ["frequency": "daily", "x": 1]], "value.x"), ("timezone", ["value": "Mars/Olympus Mons"], "value"),
        (String(repeating: "k", count: 65), ["value": 1], "key"),
    ]

    @Test(arguments: badSettings)
    func aBadKeyOrValueIsRefused(key: String, body: JSON, field: String) async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        let (_, headers, _) = try await fixture.signedIn("ann")
        let reply = try await fixture.request("PUT", "/api/v1/settings/user/\(key)", headers: headers, json: body)
        #expect(reply.status == 400 && reply.json["detail"]?.stringValue == field)
    }

    @Test func theOwnerAndAGuestCannotWriteSettings() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        let (_, guest, _) = try await fixture.signedIn("gus", roles: [Role.guest])
        #expect(try await fixture.request("GET", "/api/v1/settings/user", headers: guest).status == 200)
        #expect(try await fixture.request("PUT", "/api/v1/settings/user/theme", headers: guest, json: ["value": "dark"]).status == 403)
        #expect(try await fixture.request("GET", "/api/v1/settings/user", headers: fixture.owner).status == 400)
        #expect(try await fixture.request("GET", "/api/v1/settings/user").status == 401)
    }

    /// 004's `/api/v1/settings/{key}` (the `Routes` module's) stands in as a route that echoes its key.
    @Test func theUserSettingsPathsWinOver004sSettingKey() async throws {
        let fixture = try AccountRoutesFixture(providers: { AccountRoutesFixture.all($0) + [EchoSettingKey()] })
        defer { Task { await fixture.stop() } }
        let (_, headers, _) = try await fixture.signedIn("ann")
        #expect(try await fixture.request("GET", "/api/v1/settings/user", headers: headers).json.arrayValue != nil)
        #expect(try await fixture.request("GET", "/api/v1/settings/user/theme", headers: headers).json["key"] == "theme")
        #expect(try await fixture.request("GET", "/api/v1/settings/user/theme", headers: headers).json["user_id"] != nil)
        #expect(try await fixture.request("GET", "/api/v1/settings/plex.url", headers: fixture.owner).json == ["echo": "plex.url"])
        #expect(
            try await fixture.request("PUT", "/api/v1/settings/plex.url", headers: fixture.owner, json: ["value": 1]).json == ["echo": "plex.url"])
    }
}

private struct EchoSettingKey: RouteProvider {
    var routes: [Route] {
        let doc = RouteDoc("echo", tag: "settings", responseSchema: .anyObject)
        return [
            Route.get("/api/v1/settings/{key}", .permission("settings:read"), doc) { .json(["echo": .string($0.parameter("key"))]) },
            Route.put("/api/v1/settings/{key}", .permission("settings:write"), doc) { .json(["echo": .string($0.parameter("key"))]) },
        ]
    }
}
