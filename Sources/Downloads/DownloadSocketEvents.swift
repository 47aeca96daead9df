import HTTP
public import SocketIO

extension DownloadService {
    /// Sends every download's progress and end as 001's `download:progress` to its owner (on `/`,
    /// `/authenticated` and `/media`) and to admins (also on `/admin`). The appliance token's downloads
    /// (owner `appliance`) go to admins only.
    public func emitProgress(to server: SocketIOServer) {
        subscribe { [weak server] event in
            guard let server else { return }
            let data = event.json
            let owner = event.owner
            let maySee: @Sendable (Principal) -> Bool = { principal in principal.isAdmin || principal.user?.id == owner }
            for namespace in ["/", "/authenticated", "/media"] { server.emit("download:progress", data, namespace: namespace, to: maySee) }
            server.emit("download:progress", data, namespace: "/admin")
        }
    }
}
