import Synchronization
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// Radarr, Sonarr, Prowlarr, Overseerr and Tautulli on one 127.0.0.1 port, answering the paths the
/// clients use in the shapes of their specs (`shared/upstream/*`), checking the key as each app does
/// (`X-Api-Key`, Tautulli's `apikey`), counting requests by path, and misbehaving when told.
final class FakeArr: Sendable {
    static let key = "fake-arr-key-5ecret0123456789"

    /// What the fake answers instead of the truth.
    enum Behaviour: Sendable, Equatable {
        case normal
        /// 200 with an HTML page (a reverse proxy's login page).
        case html
        /// 200 with JSON cut in half.
        case truncated
        /// This status to the next `count` requests, then the truth (`Retry-After: 0` on a 429).
        case failing(status: Int, count: Int)
        /// This status to every request.
        case status(Int)
        /// The truth, after `milliseconds`.
        case slow(milliseconds: Int)
        /// The truth, once the test calls `release()` (at most 30 s on).
        case held
    }

    private struct State {
        var behaviour = Behaviour.normal
        var seen: [String] = []
        var bodies: [String: [UInt8]] = [:]
        /// Movies Radarr has (the sync tests change it).
        var movies = FakeArr.defaultMovies
        var series = FakeArr.defaultSeries
    }

    private final class Shared: Sendable {
        let state = Mutex(State())
    }

    let server: LoopbackHTTPServer
    private let shared: Shared
    var baseURL: String { server.baseURL }

    init() throws {
        let shared = Shared()
        self.shared = shared
        server = try LoopbackHTTPServer { request in
            let (behaviour, movies, series) = shared.state.withLock { state in
                state.seen.append(request.path + (request.query["cmd"].map { "?cmd=" + $0 } ?? ""))
                state.bodies[request.path] = request.body
                let current = state.behaviour
                if case .failing(let status, let count) = current {
                    state.behaviour = count > 1 ? .failing(status: status, count: count - 1) : .normal
                }
                return (current, state.movies, state.series)
            }
            switch behaviour {
            case .normal: break
            case .html: return LoopbackHTTPServer.Response(status: 200, headers: [("Content-Type", "text/html")], body: Array("<html><body>Sign in</body></html>".utf8))
            case .truncated:
                let whole = FakeArr.answer(request, movies: movies, series: series)
                return LoopbackHTTPServer.Response(status: 200, headers: whole.headers, body: Array(whole.body.prefix(max(1, whole.body.count / 2))))
            case .failing(let status, _), .status(let status):
                return LoopbackHTTPServer.Response(
                    status: status, headers: status == 429 ? [("Retry-After", "0")] : [], body: Array(#"{"message":"busy"}"#.utf8))
            case .slow(let milliseconds): usleep(UInt32(milliseconds) * 1000)
            case .held:
                for _ in 0..<3000 where shared.state.withLock({ $0.behaviour == .held }) { usleep(10_000) }
            }
            return FakeArr.answer(request, movies: movies, series: series)
        }
    }

    var behaviour: Behaviour {
        get { shared.state.withLock { $0.behaviour } }
        set { shared.state.withLock { $0.behaviour = newValue } }
    }

    /// Lets a `held` request (and those after it) through.
    func release() { behaviour = .normal }

    /// Paths asked so far (Tautulli's with `?cmd=`).
    var seen: [String] { shared.state.withLock { $0.seen } }

    func count(_ path: String) -> Int { seen.filter { $0 == path }.count }

    /// The last body sent to `path`.
    func body(_ path: String) -> String? { shared.state.withLock { $0.bodies[path].map { String(decoding: $0, as: UTF8.self) } } }

    func setMovies(_ movies: [String]) { shared.state.withLock { $0.movies = movies } }
    func setSeries(_ series: [String]) { shared.state.withLock { $0.series = series } }

    // MARK: Answers

    static func json(_ text: String, status: Int = 200) -> LoopbackHTTPServer.Response {
        LoopbackHTTPServer.Response(status: status, headers: [("Content-Type", "application/json")], body: Array(text.utf8))
    }

    static func answer(_ request: LoopbackHTTPServer.Request, movies: [String], series: [String]) -> LoopbackHTTPServer.Response {
        if request.path == "/api/v2" {
            guard request.query["apikey"] == key else {
                return json(#"{"response": {"result": "error", "message": "Invalid apikey", "data": {}}}"#, status: 401)
            }
            return tautulli(request.query["cmd"] ?? "")
        }
        if request.path == "/api/v1/status" { return json(#"{"version":"1.33.2","commitTag":"v1.33.2","updateAvailable":false,"commitsBehind":0}"#) }
        guard request.headers["x-api-key"] == key else {
            return LoopbackHTTPServer.Response(status: 401, headers: [("Content-Type", "application/json")], body: Array(#"{"error":"Unauthorized"}"#.utf8))
        }
        switch (request.method, request.path) {
        case ("GET", "/api/v3/system/status"):
            return json(
                #"{"appName":"Radarr","instanceName":"Radarr","version":"5.14.0.9383","buildTime":"2024-10-28T20:05:24Z","isDebug":false,"startupPath":"/app/radarr/bin","osName":"ubuntu","isDocker":true,"branch":"master","authentication":"forms","urlBase":"","runtimeVersion":"6.0.35","startTime":"2026-12-01T08:00:00Z"}"#
            )
        case ("GET", "/api/v1/system/status"):
            return json(#"{"appName":"Prowlarr","instanceName":"Prowlarr","version":"1.24.3.4754","startTime":"2026-12-01T08:00:00Z"}"#)
        case ("GET", "/api/v3/health"):
            return json(#"[{"source":"IndexerStatusCheck","type":"warning","message":"Indexers unavailable due to failures: NZBgeek","wikiUrl":"https://wiki.servarr.com"}]"#)
        case ("GET", "/api/v3/qualityprofile"):
            return json(
                #"[{"id":1,"name":"Any","upgradeAllowed":false,"cutoff":20,"items":[],"minFormatScore":0,"cutoffFormatScore":0,"formatItems":[]},{"id":4,"name":"HD-1080p","upgradeAllowed":true,"cutoff":7,"items":[],"minFormatScore":10,"formatItems":[]}]"#
            )
        case ("GET", "/api/v3/rootfolder"):
            return json(#"[{"id":1,"path":"/data/movies","accessible":true,"freeSpace":1099511627776,"unmappedFolders":[]},{"id":2,"path":"/data/other","accessible":false,"freeSpace":null,"unmappedFolders":[]}]"#)
        case ("GET", "/api/v3/movie"): return json("[" + movies.joined(separator: ",") + "]")
        case ("GET", "/api/v3/movie/lookup/tmdb"):
            guard request.query["tmdbId"] == "603" else { return json(#"{"message":"Movie not found"}"#, status: 404) }
            return json(#"{"title":"The Matrix","year":1999,"tmdbId":603,"imdbId":"tt0133093","titleSlug":"the-matrix-603","hasFile":false,"monitored":false}"#)
        case ("POST", "/api/v3/movie"):
            return json(#"{"id":12,"title":"The Matrix","year":1999,"tmdbId":603,"path":"/data/movies/The Matrix (1999)","hasFile":false,"monitored":true,"qualityProfileId":1}"#, status: 201)
        case ("GET", "/api/v3/series"): return json("[" + series.joined(separator: ",") + "]")
        case ("GET", "/api/v3/series/lookup"):
            guard request.query["term"] == "tvdb:81189" else { return json("[]") }
            return json(#"[{"title":"Breaking Bad","year":2008,"tvdbId":81189,"tmdbId":1396,"titleSlug":"breaking-bad","monitored":false}]"#)
        case ("POST", "/api/v3/series"):
            return json(#"{"id":7,"title":"Breaking Bad","year":2008,"tvdbId":81189,"tmdbId":1396,"path":"/data/tv/Breaking Bad","monitored":true}"#, status: 201)
        case ("GET", "/api/v3/queue"):
            return json(
                #"{"page":1,"pageSize":50,"sortKey":"timeleft","sortDirection":"ascending","totalRecords":1,"records":[{"id":88,"movieId":3,"title":"Inception.2010.1080p.BluRay","status":"downloading","trackedDownloadState":"downloading","size":8589934592,"sizeleft":4294967296,"timeleft":"00:10:00","estimatedCompletionTime":"2026-12-02T22:00:00Z","protocol":"usenet"}]}"#
            )
        case ("GET", "/api/v3/history"):
            return json(#"{"page":1,"pageSize":50,"totalRecords":1,"records":[{"id":501,"movieId":3,"sourceTitle":"Inception.2010.1080p.BluRay","eventType":"grabbed","date":"2026-12-02T20:00:00Z","data":{}}]}"#)
        case ("POST", "/api/v3/command"):
            return json(#"{"id":1001,"name":"RefreshMovie","commandName":"Refresh Movie","status":"queued","queued":"2026-12-02T21:00:00Z"}"#, status: 201)
        case ("GET", "/api/v1/indexer"):
            return json(#"[{"id":1,"name":"NZBgeek","enable":true,"protocol":"usenet","priority":25,"fields":[]},{"id":2,"name":"1337x","enable":false,"protocol":"torrent","priority":25}]"#)
        case ("GET", "/api/v1/indexerstatus"):
            return json(#"[{"id":1,"indexerId":1,"disabledTill":"2026-12-02T23:00:00Z","mostRecentFailure":"2026-12-02T21:00:00Z","initialFailure":"2026-12-02T20:00:00Z"}]"#)
        case ("GET", "/api/v1/request"):
            return json(
                #"{"pageInfo":{"pages":1,"pageSize":20,"results":1,"page":1},"results":[{"id":41,"status":1,"media":{"id":9,"tmdbId":603,"tvdbId":null,"status":2,"mediaType":"movie"},"createdAt":"2026-12-01T10:00:27.000Z","updatedAt":"2026-12-01T10:00:27.000Z","requestedBy":{"id":1,"displayName":"alice"},"is4k":false}]}"#
            )
        case ("POST", "/api/v1/request"):
            return json(#"{"id":42,"status":1,"media":{"id":10,"tmdbId":1396,"tvdbId":81189,"status":2,"mediaType":"tv"},"is4k":false}"#, status: 201)
        case ("POST", "/api/v1/request/41/approve"): return json(#"{"id":41,"status":2,"media":{"tmdbId":603,"status":3}}"#)
        case ("POST", "/api/v1/request/41/decline"): return json(#"{"id":41,"status":3,"media":{"tmdbId":603,"status":1}}"#)
        case ("GET", "/api/v1/movie/603"): return json(#"{"id":603,"title":"The Matrix","mediaInfo":{"id":9,"tmdbId":603,"status":5}}"#)
        case ("GET", "/api/v1/movie/604"): return json(#"{"id":604,"title":"The Matrix Reloaded"}"#)
        default: return json(#"{"message":"NotFound"}"#, status: 404)
        }
    }

    static func tautulli(_ command: String) -> LoopbackHTTPServer.Response {
        switch command {
        case "get_activity":
            return json(
                #"{"response":{"result":"success","message":null,"data":{"lan_bandwidth":25318,"stream_count":"2","stream_count_direct_play":1,"sessions":[{"session_key":"27","user":"alice","full_title":"Game of Thrones - The Red Woman","media_type":"episode","state":"playing","progress_percent":"34"},{"session_key":"28","user":"bob","full_title":"The Matrix","media_type":"movie","state":"paused","progress_percent":"80"}],"total_bandwidth":25318,"wan_bandwidth":0}}}"#
            )
        case "get_tautulli_info":
            return json(#"{"response":{"result":"success","message":null,"data":{"tautulli_install_type":"docker","tautulli_version":"v2.14.6","tautulli_branch":"master"}}}"#)
        case "get_server_info":
            return json(#"{"response":{"result":"success","message":null,"data":{"pms_name":"Winterfell-Server","pms_version":"1.41.0.8992","pms_port":32400}}}"#)
        default:
            return json(#"{"response":{"result":"error","message":"Unknown command","data":{}}}"#)
        }
    }

    static let defaultMovies = [
        #"{"id":1,"title":"The Matrix","originalTitle":"The Matrix","year":1999,"tmdbId":603,"imdbId":"tt0133093","path":"/data/movies/The Matrix (1999)","hasFile":true,"monitored":true,"sizeOnDisk":8000000000,"runtime":136,"qualityProfileId":1}"#,
        #"{"id":2,"title":"Arrival","year":2016,"tmdbId":329865,"imdbId":"tt2543164","path":"/data/movies/Arrival (2016)","hasFile":false,"monitored":true,"runtime":116}"#,
        #"{"id":3,"title":"Inception","year":2010,"tmdbId":27205,"path":"/elsewhere/Inception (2010)","hasFile":false,"monitored":true}"#,
    ]

    static let defaultSeries = [
        #"{"id":1,"title":"Breaking Bad","year":2008,"tvdbId":81189,"tmdbId":1396,"imdbId":"tt0903747","path":"/data/tv/Breaking Bad","monitored":true,"statistics":{"seasonCount":5,"episodeFileCount":62,"episodeCount":62,"totalEpisodeCount":62,"sizeOnDisk":0}}"#,
        #"{"id":2,"title":"Severance","year":2022,"tvdbId":371980,"tmdbId":95396,"path":"/data/tv/Severance","monitored":true,"statistics":{"seasonCount":2,"episodeFileCount":9,"episodeCount":19,"totalEpisodeCount":19}}"#,
    ]

}
