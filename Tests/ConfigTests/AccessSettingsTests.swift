import Core
import Testing

@testable import Config

/// `[auth]` and `[email]`: the user accounts' settings (issue 11).
struct AccessSettingsTests {
    @Test func defaultsAreTheDocumentedOnes() {
        let defaults = ConfigSnapshot(defaultsOf: .standard)
        #expect(
            defaults.auth
                == AuthSettings(
                    maxParallelHashes: 2, allowRegistration: false, argon2MemoryKiB: 19456, argon2Iterations: 2, argon2Parallelism: 1,
                    accessTokenMinutes: 15, refreshTokenDays: 7, rememberMeDays: 30, loginAttempts: 5, loginWindowMinutes: 15,
                    passwordResetPerHour: 3, activityRetentionDays: 90, cookieSecure: .auto, passwordMinLength: 8))
        #expect(
            defaults.email
                == EmailSettings(
                    smtpURL: "", from: "", username: "", password: "", startTLS: .required, timeoutSeconds: 10, publicURL: ""))
        #expect(!defaults.email.isConfigured)
    }

    @Test(arguments: [
        ("auth.max_parallel_hashes", 0), ("auth.max_parallel_hashes", 17), ("auth.argon2_memory_kib", 7167),
        ("auth.argon2_memory_kib", 262_145), ("auth.argon2_iterations", 0), ("auth.argon2_parallelism", 9),
        ("auth.access_token_minutes", 0), ("auth.refresh_token_days", 366), ("auth.remember_me_days", 0), ("auth.login_attempts", 0),
        ("auth.login_window_minutes", 1441), ("auth.password_reset_per_hour", 0), ("auth.activity_retention_days", 3651),
        ("auth.password_min_length", 7), ("auth.password_min_length", 65), ("email.timeout_seconds", 0), ("email.timeout_seconds", 301),
    ])
    func integersOutOfRangeAreRefused(key: String, value: Int64) throws {
        let spec = try #require(SettingsSchema.standard.spec(named: key))
        guard case .integer(let range) = spec.type else {
            Issue.record("\(key) is not an integer setting")
            return
        }
        #expect(spec.problem(with: .integer(value)) == "'\(key)' must be an integer in \(range.lowerBound)...\(range.upperBound), not \(value)")
        #expect(spec.problem(with: .integer(range.lowerBound)) == nil && spec.problem(with: .integer(range.upperBound)) == nil)
    }

    @Test(arguments: [
        ("auth.cookie_secure", "sometimes", "'auth.cookie_secure' must be one of \"auto\", \"always\", \"never\", not \"sometimes\""),
        ("email.starttls", "yes", "'email.starttls' must be one of \"required\", \"opportunistic\", \"never\", not \"yes\""),
        ("email.smtp_url", "http://mail.example.com", "'email.smtp_url' must be an smtp:// or smtps:// URL (or empty)"),
        ("email.smtp_url", "mail.example.com:25", "'email.smtp_url' must be an smtp:// or smtps:// URL (or empty)"),
        ("email.public_url", "smtp://mail.example.com", "'email.public_url' must be an http:// or https:// URL (or empty)"),
    ])
    func wrongChoicesAndSchemesAreRefused(key: String, value: String, message: String) throws {
        let spec = try #require(SettingsSchema.standard.spec(named: key))
        #expect(spec.problem(with: .string(value)) == message)
    }

    @Test(arguments: ["", "smtp://127.0.0.1:25", "smtps://mail.example.com:465", "smtp://mail.example.com:587/box.example.com"])
    func smtpURLsAreAccepted(url: String) throws {
        #expect(try #require(SettingsSchema.standard.spec(named: "email.smtp_url")).problem(with: .string(url)) == nil)
    }

    @Test func thePasswordIsASecretAndNothingElseOfTheTablesIs() throws {
        let secrets = SettingsSchema.standard.specs.filter { ["auth", "email"].contains($0.table) && $0.secret }.map(\.key)
        #expect(secrets == ["auth.token", "auth.signing_keys", "email.password"])
        let file = DefaultConfigFile.text()
        #expect(file.contains("# email.password is a secret: it lives in secrets.toml ([email] password = \"…\")."))
        #expect(!file.contains("\npassword ="))
        #expect(file.contains("# Mail server, smtp://host:port"))
        #expect(file.contains("An smtp:// or smtps:// URL (or empty)."))
    }

    @Test func mailSettingsLoadFromTheFilesAndTheEnvironment() throws {
        let root = try TemporaryRoot()
        try root.write(
            "etc/applianced/applianced.toml",
            "[email]\nsmtp_url = \"smtp://mail.example.com:587\"\nfrom = \"box@example.com\"\nusername = \"box\"\nstarttls = \"opportunistic\"\n"
                + "[auth]\ncookie_secure = \"always\"\nallow_registration = true\n")
        try root.write("etc/applianced/secrets.toml", "[email]\npassword = \"hunter22\"\n")
        let result = ConfigLoader(paths: root.paths, environment: ["APPLIANCED_AUTH_LOGIN_ATTEMPTS": "10"]).load()
        #expect(result.issues.isEmpty, "\(result.issues)")
        let snapshot = try #require(result.snapshot)
        #expect(snapshot.email.smtpURL == "smtp://mail.example.com:587" && snapshot.email.password == "hunter22")
        #expect(snapshot.email.startTLS == .opportunistic && snapshot.email.isConfigured)
        #expect(snapshot.auth.cookieSecure == .always && snapshot.auth.allowRegistration && snapshot.auth.loginAttempts == 10)
        #expect(snapshot.source("email.password") == .file(path: root.paths.secretsFile, line: 2, column: 1))
        #expect(!"\(snapshot.email)".contains("hunter22") && "\(snapshot.email)".contains("password: ****"))
    }

    @Test func aMailServerNeedsASender() throws {
        let root = try TemporaryRoot()
        try root.write("etc/applianced/applianced.toml", "[email]\n\nsmtp_url = \"smtp://mail.example.com:25\"\n")
        let result = ConfigLoader(paths: root.paths, environment: [:]).load()
        #expect(result.snapshot == nil)
        #expect(
            result.issues.map(\.description) == [
                "\(root.paths.mainFile):3:1: 'email.from' must be set when 'email.smtp_url' is"
            ])
        let fixed = ConfigLoader(paths: root.paths, environment: ["APPLIANCED_EMAIL_FROM": "box@example.com"]).load()
        #expect(fixed.issues.isEmpty)
    }

    @Test(arguments: [
        "box", "@example.com", "box@", "box@@example.com", "box@example.com\r\nBcc: victim@example.com", "Box <box@example.com>",
        "box @example.com", "box@example.com\u{0}", "a,b@example.com",
    ])
    func aSenderThatIsNotOneAddressIsRefused(from: String) throws {
        let root = try TemporaryRoot()
        let result = ConfigLoader(paths: root.paths, environment: ["APPLIANCED_EMAIL_FROM": from]).load()
        #expect(result.snapshot == nil)
        #expect(result.issues.map(\.message) == ["'email.from' must be an address such as applianced@example.com"])
        #expect(result.issues.first?.key == "email.from")
    }

    @Test func aSenderWithoutAServerIsFine() throws {
        let root = try TemporaryRoot()
        let result = ConfigLoader(paths: root.paths, environment: ["APPLIANCED_EMAIL_FROM": "box@example.com"]).load()
        #expect(result.issues.isEmpty)
    }
}
