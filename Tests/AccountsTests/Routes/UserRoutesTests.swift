import Accounts
import Core
import HTTP
import Store
import TestSupport
import Testing

/// 003's `/users/me`, `/users/me/preferences`, `/users/me/avatar` and `/users/{userId}`.
struct UserRoutesTests {
    @Test func meIsTheSignedInUserOrTheOwnerAndNeverShowsTheHash() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        let (ann, headers, _) = try await fixture.signedIn("ann")
        let me = try await fixture.request("GET", "/api/v1/users/me", headers: headers)
        #expect(me.status == 200)
        #expect(me.json["id"]?.stringValue == ann.id && me.json["is_active"] == true && me.json["role"] == "user")
        #expect(!me.text.contains("argon2") && !me.text.contains("password"))
        let owner = try await fixture.request("GET", "/api/v1/users/me", headers: fixture.owner)
        #expect(owner.status == 200 && owner.json["id"] == "appliance" && owner.json["is_admin"] == true)
        #expect(try await fixture.request("GET", "/api/v1/users/me").status == 401)
    }

    @Test func updatingMeChangesTheProfileAndANewAddressIsUnverifiedUntilConfirmed() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        let (ann, headers, _) = try await fixture.signedIn("ann")
        try await fixture.service.database.perform { [service = fixture.service] in
            _ = try service.users.update(ann.id, UserChanges(emailVerified: true))
        }
        let reply = try await fixture.request(
            "PUT", "/api/v1/users/me", headers: headers,
            json: ["display_name": "Ann Example", "email": "ann@new.example", "timezone": "Europe/Berlin", "locale": "de-DE"])
        #expect(reply.status == 200)
        #expect(reply.json["display_name"] == "Ann Example" && reply.json["email"] == "ann@new.example")
        #expect(reply.json["email_verified"] == false && reply.json["timezone"] == "Europe/Berlin" && reply.json["locale"] == "de-DE")
        #expect(fixture.mail.last?.to == "ann@new.example")
        let logged = try await fixture.activity(ActivityAction.userUpdated)
        #expect(logged.first?.resourceID == ann.id && logged.first?.details["fields"] == ["display_name", "email", "locale", "timezone"])
        // An empty string clears the time zone; the preferences show the locale.
        let cleared = try await fixture.request("PUT", "/api/v1/users/me", headers: headers, json: ["timezone": ""])
        #expect(cleared.status == 200 && cleared.json["timezone"] == .null)
        #expect(try await fixture.request("GET", "/api/v1/users/me/preferences", headers: headers).json["locale"] == "de-DE")
    }

    static let badProfiles: [(JSON, String)] = [
        (["email": "not an address"], "email"), (["email": 7], "email"),
        (["display_name": .string(String(repeating: "a", count: 101))], "display_name"), (["timezone": "../../etc/passwd"], "timezone"),
        (["timezone": "Europe/Berlin/X/Y"], "timezone"), (["locale": "e"], "locale"),
        (["locale": .string(String(repeating: "a", count: 65))], "locale"), (.array([]), "body"),
    ]

    @Test(arguments: badProfiles)
    func updatingMeRefusesABadField(body: JSON, field: String) async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        let (_, headers, _) = try await fixture.signedIn("ann")
        let reply = try await fixture.request("PUT", "/api/v1/users/me", headers: headers, json: body)
        #expect(reply.status == 400)
        #expect(reply.json["code"] == "VALIDATION_ERROR" && reply.json["detail"]?.stringValue == field)
    }

    @Test func updatingMeIsRefusedToTheOwnerAGuestAndATakenAddress() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        let (_, headers, _) = try await fixture.signedIn("ann")
        let (_, guest, _) = try await fixture.signedIn("gus", roles: [Role.guest])
        try await fixture.user("bob")
        let owner = try await fixture.request("PUT", "/api/v1/users/me", headers: fixture.owner, json: ["display_name": "x"])
        #expect(owner.status == 400 && owner.json["detail"] == "principal")
        #expect(try await fixture.request("PUT", "/api/v1/users/me", headers: guest, json: ["display_name": "x"]).status == 403)
        #expect(try await fixture.request("GET", "/api/v1/users/me", headers: guest).status == 200)
        #expect(try await fixture.request("PUT", "/api/v1/users/me", headers: headers, json: ["email": "BOB@example.com"]).status == 409)
    }

    @Test func preferencesHaveDefaultsMergeAndRevertWithNull() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        let (ann, headers, _) = try await fixture.signedIn("ann")
        let initial = try await fixture.request("GET", "/api/v1/users/me/preferences", headers: headers)
        #expect(initial.status == 200 && initial.json["user_id"]?.stringValue == ann.id && initial.json["theme"] == "system")
        #expect(initial.json["email_notifications"] == ["enabled": true, "frequency": "instant"])

        let changed = try await fixture.request(
            "PUT", "/api/v1/users/me/preferences", headers: headers,
            json: ["theme": "dark", "email_notifications": ["enabled": false], "content_language": "en, de", "player.volume": 0.5])
        #expect(changed.status == 200)
        #expect(changed.json["theme"] == "dark" && changed.json["email_notifications"] == ["enabled": false, "frequency": "instant"])
        #expect(changed.json["content_language"] == "en,de" && changed.json["player.volume"] == 0.5)
        let reverted = try await fixture.request("PUT", "/api/v1/users/me/preferences", headers: headers, json: ["theme": nil, "player.volume": nil])
        #expect(reverted.json["theme"] == "system" && reverted.json.objectValue?.keys.contains("player.volume") == false)
        #expect(try await fixture.request("GET", "/api/v1/users/me/preferences", headers: fixture.owner).status == 400)
    }

    static let badPreferences: [(JSON, String)] = {
        let long = JSON.string(String(repeating: "x", count: 4000))
        return [
            (["theme": "neon"], "theme"), (["show_spoilers": "yes"], "show_spoilers"), (["Bad Key": 1], "Bad Key"),
            (["email_notifications": ["frequency": "hourly"]], "email_notifications.frequency"),
            (["email_notifications": ["sms": true]], "email_notifications.sms"), (["display_language": "english!"], "display_language"),
            (["big": .string(String(repeating: "x", count: 5000))], "big"),
            (["a": long, "b": long, "c": long, "d": long, "e": long], "preferences"),
        ]
    }()

    @Test(arguments: badPreferences)
    func preferencesRefuseABadValue(body: JSON, field: String) async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        let (_, headers, _) = try await fixture.signedIn("ann")
        let reply = try await fixture.request("PUT", "/api/v1/users/me/preferences", headers: headers, json: body)
        #expect(reply.status == 400)
        #expect(reply.json["detail"]?.stringValue == field)
    }

    @Test func anAvatarUploadIsServedAtItsURL() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        let (ann, headers, _) = try await fixture.signedIn("ann")
        let png = TestImages.png(width: 64, height: 48)
        let uploaded = try await fixture.send(
            "POST", "/api/v1/users/me/avatar", headers: headers, body: TestImages.multipart(png),
            contentType: "multipart/form-data; boundary=\"xYzBoundary42\"")
        #expect(uploaded.status == 200)
        #expect(uploaded.json["mime_type"] == "image/png" && uploaded.json["width"] == 64 && uploaded.json["height"] == 48)
        #expect(uploaded.json["version"] == 1 && uploaded.json["is_current"] == true && uploaded.json["user_id"]?.stringValue == ann.id)
        #expect(uploaded.json["file_size_bytes"] == JSON(png.count))

        let url = try #require(try await fixture.request("GET", "/api/v1/users/me", headers: headers).json["avatar_url"]?.stringValue)
        #expect(url == "/api/v1/users/\(ann.id)/avatar?v=1")
        let image = try await fixture.request("GET", url, headers: headers)
        #expect(image.status == 200 && image.body == png && image.header("Content-Type") == "image/png")
        #expect(image.header("Content-Security-Policy")?.contains("sandbox") == true && image.header("X-Content-Type-Options") == "nosniff")
        #expect(try await fixture.request("GET", "/api/v1/users/me/avatar", headers: headers).body == png)

        // The image itself as the body; the version moves on.
        let jpeg = TestImages.jpeg(width: 300, height: 200)
        let second = try await fixture.send("POST", "/api/v1/users/me/avatar", headers: headers, body: jpeg, contentType: "image/jpeg")
        #expect(second.status == 200 && second.json["version"] == 2 && second.json["mime_type"] == "image/jpeg" && second.json["width"] == 300)
        let served = try await fixture.request("GET", "/api/v1/users/\(ann.id)/avatar", headers: fixture.owner)
        #expect(served.body == jpeg && served.header("Content-Type") == "image/jpeg")

        // Another user's avatar needs users:read.
        let (_, bob, _) = try await fixture.signedIn("bob")
        #expect(try await fixture.request("GET", "/api/v1/users/\(ann.id)/avatar", headers: bob).status == 403)
        #expect(try await fixture.request("GET", "/api/v1/users/me/avatar", headers: bob).status == 404)
    }

    @Test func anAvatarThatIsNotAnAllowedImageIsRefused() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        let (_, headers, _) = try await fixture.signedIn("ann")
        let svg = Array("<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>".utf8)
        let disguised = try await fixture.send(
            "POST", "/api/v1/users/me/avatar", headers: headers, body: TestImages.multipart(svg),
            contentType: "multipart/form-data; boundary=xYzBoundary42")
        #expect(disguised.status == 400 && disguised.json["detail"] == "file")
        let unnamed = try await fixture.send(
            "POST", "/api/v1/users/me/avatar", headers: headers, body: TestImages.multipart(TestImages.png(width: 1, height: 1), name: "photo"),
            contentType: "multipart/form-data; boundary=xYzBoundary42")
        #expect(unnamed.status == 400 && unnamed.json["detail"] == "file")
        let huge = try await fixture.send(
            "POST", "/api/v1/users/me/avatar", headers: headers, body: TestImages.png(width: 5000, height: 10), contentType: "image/png")
        #expect(huge.status == 400 && huge.json["detail"] == "file")
        let broken = try await fixture.send(
            "POST", "/api/v1/users/me/avatar", headers: headers, body: Array("--nope\r\n".utf8),
            contentType: "multipart/form-data; boundary=xYzBoundary42")
        #expect(broken.status == 400)
        let text = try await fixture.send("POST", "/api/v1/users/me/avatar", headers: headers, body: svg, contentType: "image/svg+xml")
        #expect(text.status == 415)
        #expect(try await fixture.request("GET", "/api/v1/users/me", headers: headers).json["avatar_url"] == .null)
    }

    @Test func anotherUserNeedsUsersRead() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        let (ann, user, _) = try await fixture.signedIn("ann")
        let (_, admin, _) = try await fixture.signedIn("root", roles: [Role.admin])
        let (_, moderator, _) = try await fixture.signedIn("mod", roles: [Role.moderator])
        #expect(try await fixture.request("GET", "/api/v1/users/\(ann.id)", headers: user).status == 403)
        for headers in [admin, moderator, fixture.owner] {
            let reply = try await fixture.request("GET", "/api/v1/users/\(ann.id)", headers: headers)
            #expect(reply.status == 200 && reply.json["username"] == "ann" && !reply.text.contains("argon2"))
        }
        #expect(try await fixture.request("GET", "/api/v1/users/00000000-0000-4000-8000-000000000000", headers: admin).status == 404)
        #expect(try await fixture.request("GET", "/api/v1/users/\(String(repeating: "a", count: 300))", headers: admin).status == 404)
        #expect(try await fixture.request("DELETE", "/api/v1/users/\(ann.id)", headers: admin).status == 405)
    }

    @Test func aReadOnlyAPIKeyReadsTheProfileButCannotChangeIt() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        let ann = try await fixture.user("ann")
        let created = try await fixture.service.database.perform { [service = fixture.service] in
            try service.keys.create(userID: ann.id, name: "reader", scopes: ["read"])
        }
        try await fixture.service.reloadDirectory()
        let key = ["X-API-Key": created.plaintext]
        #expect(try await fixture.request("GET", "/api/v1/users/me", headers: key).json["id"]?.stringValue == ann.id)
        #expect(try await fixture.request("PUT", "/api/v1/users/me", headers: key, json: ["display_name": "x"]).status == 403)
        #expect(try await fixture.request("PUT", "/api/v1/settings/user/theme", headers: key, json: ["value": "dark"]).status == 403)
        #expect(try await fixture.request("GET", "/api/v1/sessions/current", headers: key).status == 404)
    }

    @Test func aDisabledUsersTokenStopsAtOnce() async throws {
        let fixture = try AccountRoutesFixture()
        defer { Task { await fixture.stop() } }
        let (ann, headers, refresh) = try await fixture.signedIn("ann")
        #expect(try await fixture.request("GET", "/api/v1/users/me", headers: headers).status == 200)
        try await fixture.service.database.perform { [service = fixture.service] in _ = try service.users.setDisabled(ann.id, true) }
        try await fixture.service.reloadDirectory()
        #expect(try await fixture.request("GET", "/api/v1/users/me", headers: headers).status == 401)
        #expect(try await fixture.request("POST", "/api/v1/sessions/refresh", json: ["refresh_token": .string(refresh)]).status == 401)
    }
}
