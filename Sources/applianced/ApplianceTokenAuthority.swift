import HTTP
import Routes
import Config
import Core
import Crypto

/// The appliance token as the running daemon holds it: read from the config store (`secrets.toml`
/// `[auth] token`, overridden by `WEB_AUTH_TOKEN`) on every check, so a token set through the wizard
/// is accepted at once. Both the auth gate's verifier and the wizard's token store.
final class ApplianceTokenAuthority: CredentialVerifier, ApplianceTokenStore {
    private let config: ConfigStore

    init(config: ConfigStore) {
        self.config = config
    }

    func principal(for credential: Credential) -> Principal? {
        guard credential.kind == .bearer || credential.kind == .query else { return nil }
        guard let token = config.snapshot.value("auth.token")?.stringValue, !token.isEmpty else { return nil }
        return Crypto.constantTimeEqual(Array(credential.value.utf8), Array(token.utf8)) ? .applianceToken : nil
    }

    func current() throws -> ApplianceToken {
        let snapshot = config.snapshot
        let value = snapshot.value("auth.token")?.stringValue ?? ""
        if case .environment = snapshot.source("auth.token") {
            return ApplianceToken(value: value, source: .environment)
        }
        return ApplianceToken(value: value, source: .config)
    }

    func replace(with token: String) throws {
        let old = config.snapshot.value("auth.token")?.stringValue
        do {
            _ = try config.update([("auth.token", .string(token))])
        } catch {
            throw SettingsRoutes.httpError(error, store: config)
        }
        Log.shared.redact(token)
        if let old { Log.shared.forgetSecret(old) }
    }
}
