import Accounts
import Synchronization

/// plex.tv and the configured Plex server in memory: PINs the test approves (as one of the accounts)
/// or expires, accounts by token, and each account's standing to the server (`.undecided` unless set).
final class FakePlexAccounts: PlexAccountDirectory {
    enum PinState: Sendable {
        case waiting
        case approved(token: String)
        case expired
    }

    struct State {
        var pins: [Int64: PinState] = [:]
        var nextPin: Int64 = 4000
        var accounts: [String: PlexAccountInfo] = [:]
        var access: [String: PlexServerAccess] = [:]
        var clientNames: [String?] = []
    }

    let state = Mutex(State())

    /// An account that signs in with `token` and stands to the server as `access`.
    func add(_ account: PlexAccountInfo, token: String, access: PlexServerAccess) {
        state.withLock {
            $0.accounts[token] = account
            $0.access[account.id] = access
        }
    }

    /// The plex.tv id of the newest PIN.
    var lastPin: Int64 { state.withLock { $0.nextPin } }

    func approve(_ pin: Int64, token: String) {
        state.withLock { $0.pins[pin] = .approved(token: token) }
    }

    func expire(_ pin: Int64) {
        state.withLock { $0.pins[pin] = .expired }
    }

    func createPin(clientName: String?) async throws(PlexDirectoryError) -> PlexSignInPin {
        state.withLock { state in
            state.nextPin += 1
            state.pins[state.nextPin] = .waiting
            state.clientNames.append(clientName)
            return PlexSignInPin(
                id: state.nextPin, code: "CODE\(state.nextPin)", authURL: "https://app.plex.tv/auth#?code=CODE\(state.nextPin)", expiresIn: 900)
        }
    }

    func checkPin(id: Int64) async throws(PlexDirectoryError) -> String? {
        let pin = state.withLock { $0.pins[id] }
        switch pin {
        case nil, .expired?: throw .pinExpired
        case .waiting?: return nil
        case .approved(let token)?: return token
        }
    }

    func account(token: String) async throws(PlexDirectoryError) -> PlexAccountInfo {
        guard let account = state.withLock({ $0.accounts[token] }) else { throw .unauthorized }
        return account
    }

    func serverAccess(token: String, account: PlexAccountInfo) async throws(PlexDirectoryError) -> PlexServerAccess {
        state.withLock { $0.access[account.id] ?? .undecided }
    }
}
