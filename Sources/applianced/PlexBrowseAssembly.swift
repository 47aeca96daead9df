import Config
import HTTP
import Routes
import Store

/// 001's Plex browsing and front-end error reports: the browser reads `plex.url`, `plex.token` and
/// `plex.request_timeout_s` from the config on every call, so a new server or token applies at once.
enum PlexBrowseAssembly {
    static func providers(config: ConfigStore, database: Database, clientIdentifier: String) -> [any RouteProvider] {
        let browser = PlexBrowser(clientIdentifier: clientIdentifier) {
            let s = config.snapshot
            return PlexBrowseSettings(
                url: s.string("plex.url"), token: s.value("plex.token")?.stringValue ?? "", timeoutSeconds: s.integer("plex.request_timeout_s"))
        }
        return [PlexBrowseRoutes(browser: browser), ErrorReportRoutes(database: database)]
    }
}
