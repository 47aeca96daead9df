import Accounts
import Config
import Fetch
import FoundationEssentials
import Plex

/// The Plex sign-in's view of plex.tv and the configured server, over the libcurl Plex clients and the
/// config (`plextv.base_url`, `plex.url`, `plex.token`), read on every call. The configured server is
/// known by the machine identifier its `/identity` answers; with none configured yet, the owner is the
/// account the appliance signed in to Plex with (`plex.token`), and nobody else can be decided.
struct LivePlexAccountDirectory: PlexAccountDirectory {
    let config: ConfigStore
    let client: PlexClientInfo

    private func plexTV(product: String? = nil) -> PlexTVClient {
        let snapshot = config.snapshot
        let timeout = Double(snapshot.integer("plextv.request_timeout_s"))
        var info = client
        if let product { info.product = product }
        return PlexTVClient(
            client: info, baseURL: snapshot.string("plextv.base_url"),
            fetch: FetchClient(options: FetchOptions(connectTimeout: min(5, timeout), timeout: timeout, maximumResponseBytes: 4 << 20)))
    }

    func createPin(clientName: String?) async throws(PlexDirectoryError) -> PlexSignInPin {
        let tv = plexTV(product: clientName)
        do {
            let pin = try await tv.createPin()
            let left = pin.expiresAt.map { Int64($0.timeIntervalSince(Date())) } ?? 900
            return PlexSignInPin(id: Int64(pin.id), code: pin.code, authURL: tv.authURL(for: pin), expiresIn: max(1, left))
        } catch {
            throw Self.map(error)
        }
    }

    func checkPin(id: Int64) async throws(PlexDirectoryError) -> String? {
        guard let small = Int(exactly: id) else { throw .pinExpired }
        do {
            let pin = try await plexTV().checkPin(id: small)
            return pin.isAuthenticated ? pin.authToken : nil
        } catch {
            throw Self.map(error, pin: true)
        }
    }

    func account(token: String) async throws(PlexDirectoryError) -> PlexAccountInfo {
        do {
            let account = try await plexTV().account(token: token)
            return PlexAccountInfo(id: account.id, username: account.username, email: account.email, thumb: account.thumb, title: account.title)
        } catch {
            throw Self.map(error)
        }
    }

    func serverAccess(token: String, account: PlexAccountInfo) async throws(PlexDirectoryError) -> PlexServerAccess {
        let snapshot = config.snapshot
        let url = snapshot.string("plex.url")
        do {
            guard !url.isEmpty else {
                let applianceToken = snapshot.value("plex.token")?.stringValue ?? ""
                guard !applianceToken.isEmpty else { return .undecided }
                return try await plexTV().account(token: applianceToken).id == account.id ? .owner : .undecided
            }
            let timeout = Double(snapshot.integer("plex.request_timeout_s"))
            let server = PlexServerClient(
                baseURL: url, token: "", client: client,
                fetch: FetchClient(options: FetchOptions(connectTimeout: min(5, timeout), timeout: timeout, maximumResponseBytes: 1 << 20)))
            let machine = try await server.publicIdentity().machineIdentifier
            return switch try await plexTV().standing(token: token, toServer: machine) {
            case .owner: .owner
            case .shared: .shared
            case .none: .none
            }
        } catch {
            throw Self.map(error)
        }
    }

    /// An unknown PIN is one plex.tv forgot (it expired).
    static func map(_ error: PlexError, pin: Bool = false) -> PlexDirectoryError {
        switch error.kind {
        case .unauthorized: .unauthorized
        case .unreachable, .timeout, .tls: .unreachable(error.description)
        case .notFound where pin: .pinExpired
        default: .upstream(error.description)
        }
    }
}
