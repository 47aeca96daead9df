import Accounts
import Config
import Core
import Crypto
import Fetch
import FoundationEssentials
import HTTP
import Store

/// Builds the account service from the config: argon2 parameters, session lifetimes, limits, the
/// signing keys of `secrets.toml` (generated on first start), and the mailer.
enum AccountAssembly {
    static func service(config: ConfigStore, database: Database) throws -> AccountService {
        let auth = config.snapshot.auth
        let hasher = try PasswordHasher(
            memoryKiB: UInt32(auth.argon2MemoryKiB), iterations: UInt32(auth.argon2Iterations), lanes: UInt32(auth.argon2Parallelism),
            parallel: auth.maxParallelHashes)
        var settings = AccountSettings()
        settings.accessTokenSeconds = Int64(auth.accessTokenMinutes) * 60
        settings.refreshTokenDays = auth.refreshTokenDays
        settings.rememberMeDays = auth.rememberMeDays
        settings.allowRegistration = auth.allowRegistration
        settings.passwordMinLength = auth.passwordMinLength
        settings.loginAttempts = auth.loginAttempts
        settings.loginWindowSeconds = Double(auth.loginWindowMinutes * 60)
        settings.passwordResetsPerHour = auth.passwordResetPerHour
        settings.activityRetentionDays = auth.activityRetentionDays
        settings.secureCookies = switch auth.cookieSecure {
        case .auto: nil
        case .always: true
        case .never: false
        }
        settings.publicURL = config.snapshot.email.publicURL
        let signer = try signer(config: config)
        let service = AccountService(
            database: database, hasher: hasher, tokens: AccessTokens(signer: signer, lifetimeSeconds: settings.accessTokenSeconds),
            settings: settings, mailer: ConfigMailer(config: config))
        try service.directory.reload(from: database)
        return service
    }

    /// The OIDC relying party: one per process (pending sign-ins, discovery documents and key sets live
    /// in its memory), fetching with the identity-provider limits (short timeouts, no redirects, 64 KiB).
    static func relyingParty() -> OIDCRelyingParty {
        OIDCRelyingParty(fetch: .oidcDefault)
    }

    /// The session token signer from `auth.signing_keys`; a fresh key is generated and saved to
    /// `secrets.toml` when there is none.
    static func signer(config: ConfigStore) throws -> JWTSigner {
        var keys = parse(config.snapshot.string("auth.signing_keys"))
        if keys.isEmpty {
            let key = SigningKey(id: try Crypto.randomToken(bytes: 6), secret: try Crypto.randomBytes(32))
            let value = key.id + ":" + Base64.urlEncode(key.secret)
            _ = try config.update([("auth.signing_keys", .string(value))])
            Log.shared.redact(value)
            keys = [key]
        }
        return JWTSigner(current: keys[0], previous: Array(keys.dropFirst()))
    }

    /// `kid:base64url` entries separated by spaces; malformed or short (< 32 bytes) entries are skipped.
    static func parse(_ text: String) -> [SigningKey] {
        text.split(separator: " ").compactMap { entry in
            let parts = entry.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, let secret = Base64.urlDecode(String(parts[1])), secret.count >= 32 else { return nil }
            return SigningKey(id: String(parts[0]), secret: secret)
        }
    }
}

/// Account mail over SMTP when `[email] smtp_url` is set, else into the log (so the admin can pass a
/// reset link on); read from the config at each send, so a mail server set later is used at once.
struct ConfigMailer: AccountMailer {
    let config: ConfigStore

    func send(to address: String, subject: String, body: String) async throws(HTTPError) {
        let email = config.snapshot.email
        guard email.isConfigured else {
            Log.shared.warning("No mail server (email.smtp_url): mail to \(address), '\(subject)':\n\(body)")
            return
        }
        let server = MailServer(
            url: email.smtpURL, username: email.username, password: email.password,
            startTLS: MailServer.StartTLS(rawValue: email.startTLS.rawValue) ?? .required, timeout: Double(email.timeoutSeconds))
        do {
            try await MailSender(server: server).send(MailMessage(from: email.from, fromName: "applianced", to: [address], subject: subject, body: body))
        } catch {
            Log.shared.warning("Failed to send mail to \(address): \(error)")
            throw HTTPError(status: 502, code: "UPSTREAM_ERROR", message: "The mail server refused or could not be reached", detail: error.kind.rawValue)
        }
    }
}
