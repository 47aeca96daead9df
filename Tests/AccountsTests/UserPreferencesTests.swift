import Accounts
import Core
import Testing

/// The checks and merges of a user's preferences object, and the image headers an avatar must have.
struct UserPreferencesTests {
    static let values: [(String, JSON, Bool)] = [
        ("theme", "dark", true), ("theme", "neon", false), ("show_email", true, true), ("show_email", 1, false),
        ("display_language", "en-US", true), ("display_language", "zh-Hant-TW", true), ("display_language", "e", false),
        ("display_language", "en_US", false), ("content_language", "en,de,fr", true), ("content_language", "en,,de", false),
        ("timezone", "America/Argentina/Buenos_Aires", true), ("timezone", "Etc/GMT+5", true), ("timezone", "UTC", true),
        ("timezone", "../etc", false), ("timezone", "/UTC", false), ("profile_visibility", "friends", true),
        ("push_notifications", ["enabled": true], true), ("push_notifications", ["enabled": true, "frequency": "daily"], false),
        ("my.own-key_1", ["any": ["thing": [1, 2]]], true), ("my.own-key_1", .null, false),
    ]

    @Test(arguments: values)
    func knownKeysAreChecked(key: String, value: JSON, valid: Bool) {
        let result = try? UserPreferences.validated(value, for: key, current: nil, field: key)
        #expect((result != nil) == valid)
    }

    @Test(arguments: ["", "Theme", "-x", "a b", "ü", String(repeating: "a", count: 65), "a/b"])
    func keyNamesAreLowerCaseMachineNames(name: String) {
        #expect(throws: AccountError.self) { try UserPreferences.checkName(name, field: "key") }
    }

    @Test func nullRemovesAKeyAndNotificationsMerge() throws {
        let stored: JSON = ["theme": "dark", "digest_notifications": ["enabled": true, "frequency": "monthly"], "mine": 1]
        let next = try UserPreferences.applying(["theme": nil, "digest_notifications": ["frequency": "daily"], "mine": nil], to: stored)
        #expect(next == ["digest_notifications": ["enabled": true, "frequency": "daily"]])
        let effective = UserPreferences.effective(next)
        #expect(effective["theme"] == "system" && effective["locale"] == nil && effective["digest_notifications"]?["frequency"] == "daily")
        #expect(UserPreferences.dataType(of: 1.5, for: "mine") == "float" && UserPreferences.dataType(of: "x", for: "email_notifications") == "json")
    }

    @Test func atMost128Keys() {
        var many: [String: JSON] = [:]
        for index in 0..<129 { many["k\(index)"] = true }
        #expect(throws: AccountError.invalid(field: "preferences", reason: "at most 128 keys")) { try UserPreferences.applying(many, to: [:]) }
    }
}

struct AvatarImageTests {
    /// Type, width, height and animation as read.
    func read(_ bytes: [UInt8]) throws -> String {
        let image = try AvatarImage(sniffing: bytes)
        return "\(image.mimeType) \(image.width)x\(image.height)\(image.isAnimated ? " animated" : "")"
    }

    @Test func pngJpegGifAndWebPAreReadFromTheirBytes() throws {
        #expect(try read(TestImages.png(width: 640, height: 480)) == "image/png 640x480")
        #expect(try read(TestImages.jpeg(width: 120, height: 90)) == "image/jpeg 120x90")
        let gif: [UInt8] = Array("GIF89a".utf8) + [0x20, 0x00, 0x10, 0x00, 0, 0, 0] + Array("NETSCAPE2.0".utf8) + [0x3B]
        #expect(try read(gif) == "image/gif 32x16 animated")
        let webp: [UInt8] = Array("RIFF".utf8) + [30, 0, 0, 0] + Array("WEBPVP8X".utf8) + [10, 0, 0, 0, 0x02, 0, 0, 0] + [99, 0, 0, 49, 0, 0]
        #expect(try read(webp) == "image/webp 100x50 animated")
    }

    @Test(arguments: [
        [], Array("<svg/>".utf8), Array("GIF89a".utf8), [0xFF, 0xD8, 0xFF, 0xDA, 0, 2], TestImages.png(width: 0, height: 10),
        TestImages.png(width: 10, height: 4097), Array(TestImages.png(width: 10, height: 10).prefix(20)),
    ])
    func anythingElseIsRefusedNamingTheFile(bytes: [UInt8]) {
        #expect {
            try AvatarImage(sniffing: bytes)
        } throws: { error in
            guard case AccountError.invalid(let field, _) = error else { return false }
            return field == "file"
        }
    }
}
