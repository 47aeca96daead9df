import HTTP
import Routes
import Config
import Fetch
import Plex

/// The Plex settings of the config store, as the wizard reads and writes them.
struct ConfigPlexSettings: PlexSettingsStore {
    let config: ConfigStore

    func plexConnection() throws -> PlexConnectionSettings {
        let snapshot = config.snapshot
        return PlexConnectionSettings(
            url: snapshot.string("plex.url"), token: snapshot.value("plex.token")?.stringValue ?? "",
            selectedLibraries: snapshot.strings("plex.selected_libraries"))
    }

    func savePlexToken(_ token: String) throws {
        do {
            _ = try config.update([("plex.token", .string(token))])
        } catch {
            throw SettingsRoutes.httpError(error, store: config)
        }
    }
}

/// The wizard's Plex calls over the libcurl Plex clients; base URLs and timeouts are read from the
/// config on every call, so a changed `plextv.base_url` applies at once.
struct LivePlexService: PlexService {
    let config: ConfigStore
    let client: PlexClientInfo

    private var plexTV: PlexTVClient {
        let snapshot = config.snapshot
        let timeout = Double(snapshot.integer("plextv.request_timeout_s"))
        return PlexTVClient(
            client: client, baseURL: snapshot.string("plextv.base_url"),
            fetch: FetchClient(options: FetchOptions(connectTimeout: min(5, timeout), timeout: timeout, maximumResponseBytes: 4 << 20)))
    }

    private func server(url: String, token: String) -> PlexServerClient {
        let timeout = Double(config.snapshot.integer("plex.request_timeout_s"))
        return PlexServerClient(
            baseURL: url, token: token, client: client,
            fetch: FetchClient(options: FetchOptions(connectTimeout: min(5, timeout), timeout: timeout, maximumResponseBytes: 32 << 20)))
    }

    func createPin() async throws(PlexServiceError) -> Routes.PlexPin {
        let tv = plexTV
        do {
            let pin = try await tv.createPin()
            return Routes.PlexPin(id: Int64(pin.id), code: pin.code, authURL: tv.authURL(for: pin))
        } catch {
            throw Self.map(error, pin: false)
        }
    }

    func pollPin(id: Int64) async throws(PlexServiceError) -> PlexPinStatus {
        guard let small = Int(exactly: id) else { throw .pinNotFound }
        do {
            let pin = try await plexTV.checkPin(id: small)
            return PlexPinStatus(authToken: pin.isAuthenticated ? pin.authToken : nil)
        } catch {
            throw Self.map(error, pin: true)
        }
    }

    func servers(token: String) async throws(PlexServiceError) -> [Routes.PlexServer] {
        do {
            return try await plexTV.servers(token: token).compactMap { resource in
                guard let connection = resource.preferredConnection else { return nil }
                return Routes.PlexServer(
                    name: resource.name, machineID: resource.clientIdentifier, host: connection.host,
                    port: connection.port, ssl: connection.ssl, owned: resource.owned, local: connection.local)
            }
        } catch {
            throw Self.map(error, pin: false)
        }
    }

    func libraries(url: String, token: String) async throws(PlexServiceError) -> [Routes.PlexLibrary] {
        let plex = server(url: url, token: token)
        do {
            var libraries: [Routes.PlexLibrary] = []
            for section in try await plex.sections().prefix(200) {
                // The count is a nicety: a section that will not say keeps its place without one.
                let count = try? await plex.itemCount(sectionID: section.id, type: section.videoItemType)
                libraries.append(Routes.PlexLibrary(id: section.id, name: section.title, type: section.type, itemCount: count))
            }
            return libraries
        } catch {
            throw Self.map(error, pin: false)
        }
    }

    func test(url: String, token: String) async throws(PlexServiceError) -> Routes.PlexServerIdentity {
        do {
            let identity = try await server(url: url, token: token).identity()
            return Routes.PlexServerIdentity(name: identity.friendlyName, version: identity.version)
        } catch {
            throw Self.map(error, pin: false)
        }
    }

    /// Plex client errors in the terms the API reports; an unknown PIN is one plex.tv forgot (expired).
    static func map(_ error: PlexError, pin: Bool) -> PlexServiceError {
        switch error.kind {
        case .unauthorized: return .unauthorized
        case .unreachable, .timeout, .tls: return .unreachable(error.description)
        case .notFound where pin: return .pinExpired
        default: return .upstream(error.description)
        }
    }
}
