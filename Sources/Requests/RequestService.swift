public import Catalog
public import Core
public import FoundationEssentials
public import HTTP
public import Store
import Synchronization

/// 001's media requests: people ask for a movie or show found on TMDb, admins approve or decline, and
/// approved ones go on to Overseerr or Radarr/Sonarr (`RequestForwarding`); their status follows
/// Overseerr's webhook and the apps' answers. Reads and writes `media_requests` in `state.db`.
public final class RequestService: Sendable {
    /// The most open requests one person may have at once.
    public static let openPerUser = 100

    public let database: Database
    /// TMDb (shared with the catalog, so one pace and one cache) and the catalog's tables.
    public let catalog: CatalogService
    let forwarding: Mutex<RequestForwarding>
    /// The task that asks the apps about forwarded requests (`startFollowing`).
    let follower = Mutex<Task<Void, Never>?>(nil)
    /// Unix milliseconds.
    let clock: @Sendable () -> Int64
    /// Told of every request whose status changed (decided, followed, refreshed): the live events' source.
    public let statusChanges = Subscribers<MediaRequest>()

    public init(
        catalog: CatalogService, forwarding: RequestForwarding = .none,
        clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }
    ) {
        database = catalog.database
        self.catalog = catalog
        self.forwarding = Mutex(forwarding)
        self.clock = clock
    }

    /// The way out now (the daemon replaces it when the integrations' settings change).
    public var forwarder: RequestForwarding {
        get { forwarding.withLock { $0 } }
        set { forwarding.withLock { $0 = newValue } }
    }

    /// The request user id of `principal`: the user, or the owner pseudo-user for the appliance token.
    static func owner(_ principal: Principal) -> String {
        principal.user?.id ?? "appliance"
    }

    /// Whether `principal` may see and decide every request, not only their own.
    static func manages(_ principal: Principal) -> Bool {
        principal.holds("requests:manage")
    }

    // MARK: Asking

    /// Creates a pending request for TMDb's `tmdbID` after checking TMDb knows it, that it is not
    /// already asked for or in the catalog, and that the caller has room for another open request.
    public func create(
        kind: MediaRequest.Kind, tmdbID: Int, quality: String?, comment: String?, seasons: [Int], by principal: Principal
    ) async throws(HTTPError) -> MediaRequest {
        let facts = try await lookup(kind: kind, tmdbID: tmdbID)
        let userID = Self.owner(principal)
        let request = MediaRequest(
            id: UUID().uuidString.lowercased(), userID: userID, kind: kind, tmdbID: tmdbID, title: facts.title, year: facts.year,
            posterPath: facts.posterPath, quality: quality, comment: comment, seasons: seasons, createdAt: clock())
        return try await perform { connection in
            try connection.transaction { connection in
                if let open = try RequestStore.open(kind: kind, tmdbID: tmdbID, connection) {
                    throw HTTPError.conflict("'\(facts.title)' is already requested (\(open.status.rawValue))", detail: open.id)
                }
                if try Availability.inCatalog(kind: kind, tmdbID: tmdbID, connection) {
                    throw HTTPError.conflict("'\(facts.title)' is already in the library", detail: "tmdbId")
                }
                let open = try connection.queryOne(
                    "SELECT COUNT(*) FROM media_requests WHERE user_id = ? AND status IN ('pending', 'approved', 'processing')",
                    [.text(userID)])?[0].intValue ?? 0
                guard open < Self.openPerUser else {
                    throw HTTPError.conflict("You have \(open) open requests; wait until some are done", detail: "requests")
                }
                try RequestStore.insert(request, connection)
            }
            return request
        }
    }

    /// Title, year and poster of a TMDb movie or show; 404 when TMDb has none.
    func lookup(kind: MediaRequest.Kind, tmdbID: Int) async throws(HTTPError) -> (title: String, year: Int?, posterPath: String?) {
        do {
            switch kind {
            case .movie:
                let movie = try await catalog.tmdb.movie(tmdbID)
                return (movie.title ?? "TMDb movie \(tmdbID)", MediaJSON.year(movie.releaseDate), movie.posterPath)
            case .tv:
                let show = try await catalog.tmdb.show(tmdbID)
                return (show.name ?? "TMDb show \(tmdbID)", MediaJSON.year(show.firstAirDate), show.posterPath)
            }
        } catch {
            throw error.httpError
        }
    }

    // MARK: Reading

    /// The caller's requests (`mine`), or everyone's for a manager, a page at a time.
    public func list(
        for principal: Principal, everyone: Bool, status: MediaRequest.Status?, offset: Int, limit: Int
    ) async throws(HTTPError) -> RequestStore.Page {
        let userID: String? = everyone ? nil : Self.owner(principal)
        return try await perform { connection in
            try RequestStore.list(userID: userID, status: status, offset: offset, limit: limit, connection)
        }
    }

    /// One request the caller may see (their own, or any for a manager); 404 otherwise.
    public func get(_ id: String, for principal: Principal) async throws(HTTPError) -> MediaRequest {
        guard (1...64).contains(id.utf8.count) else { throw HTTPError.notFound("No such request") }
        let found = try await perform { connection in try RequestStore.get(id, connection) }
        guard let found, found.userID == Self.owner(principal) || Self.manages(principal) else {
            throw HTTPError.notFound("No such request")
        }
        return found
    }

    /// Deletes the caller's own request (a manager: anyone's). A request already sent on stays with
    /// the app: deleting it here does not cancel the download.
    public func delete(_ id: String, by principal: Principal) async throws(HTTPError) {
        let request = try await get(id, for: principal)
        try await perform { connection in try RequestStore.delete(request.id, connection) }
    }

    // MARK: Deciding

    /// Approves a pending request and sends it on; a failure to send leaves it pending, with the reason.
    public func approve(_ id: String, by principal: Principal) async throws(HTTPError) -> MediaRequest {
        var request = try await get(id, for: principal)
        guard request.status == .pending || request.status == .failed else {
            throw HTTPError.conflict("The request is \(request.status.rawValue), not pending", detail: "status")
        }
        let receipt: RequestForwarding.Receipt
        do {
            receipt = try await forwarder.forward(request)
        } catch {
            request.statusReason = error.message
            request.updatedAt = clock()
            let failed = request
            try await perform { connection in try RequestStore.update(failed, connection) }
            throw error
        }
        request.status = .processing
        request.target = receipt.target
        request.remoteID = receipt.remoteID
        request.statusReason = nil
        request.decidedBy = Self.owner(principal)
        request.updatedAt = clock()
        let approved = request
        try await perform { connection in try RequestStore.update(approved, connection) }
        statusChanges.publish(approved)
        Log.shared.info("Request \(approved.id) for \(approved.kind.rawValue) \(approved.tmdbID) approved, sent to \(receipt.target)")
        return approved
    }

    /// Declines a pending request, with an optional reason shown to its owner.
    public func decline(_ id: String, reason: String?, by principal: Principal) async throws(HTTPError) -> MediaRequest {
        var request = try await get(id, for: principal)
        guard request.status == .pending else {
            throw HTTPError.conflict("The request is \(request.status.rawValue), not pending", detail: "status")
        }
        request.status = .declined
        request.statusReason = reason
        request.decidedBy = Self.owner(principal)
        request.updatedAt = clock()
        let declined = request
        try await perform { connection in try RequestStore.update(declined, connection) }
        statusChanges.publish(declined)
        return declined
    }

    // MARK: Following

    /// Moves every open request for `tmdbID` (of `kind`, when known) to `status` — Overseerr's webhook
    /// names the media, not our request. Answers how many changed.
    @discardableResult
    public func follow(kind: MediaRequest.Kind?, tmdbID: Int, to status: MediaRequest.Status, reason: String?) async throws(HTTPError) -> Int {
        let now = clock()
        let changed = try await perform { connection in
            try connection.transaction { connection in
                var changed: [MediaRequest] = []
                for var request in try RequestStore.openRequests(kind: kind, tmdbID: tmdbID, connection) where request.status != status {
                    request.status = status
                    request.statusReason = reason
                    request.updatedAt = now
                    try RequestStore.update(request, connection)
                    changed.append(request)
                }
                return changed
            }
        }
        for request in changed { statusChanges.publish(request) }
        return changed.count
    }

    /// Asks the apps about every request they are fetching and records what changed (the status
    /// poller calls it once per probe interval). Answers how many were open (nil when the database
    /// could not be read) and how many changed.
    @discardableResult
    public func refreshStatuses() async -> (open: Int?, changed: Int) {
        let forwarding = forwarder
        let open: [MediaRequest]
        do {
            open = try await perform { connection in
                try RequestStore.sent(to: ["overseerr", "radarr", "sonarr"], statuses: [.approved, .processing], connection)
            }
        } catch {
            return (nil, 0)
        }
        var changed = 0
        for var request in open {
            guard let answer = await forwarding.status(request), answer.status != request.status else { continue }
            request.status = answer.status
            request.statusReason = answer.reason
            request.updatedAt = clock()
            let updated = request
            if (try? await perform({ connection in try RequestStore.update(updated, connection) })) != nil {
                changed += 1
                statusChanges.publish(updated)
            }
        }
        return (open.count, changed)
    }

    /// Starts asking the apps about forwarded requests every `seconds()` (the integrations' probe
    /// interval). While none is open it does not even query `state.db`: after a round that found none,
    /// the next round runs only once the database has been used since (a request made, approved or
    /// forwarded goes through it) or ten minutes have passed, so an idle daemon leaves SQLite alone.
    /// Calling it twice does nothing.
    public func startFollowing(every seconds: @escaping @Sendable () -> Int) {
        follower.withLock { task in
            guard task == nil else { return }
            task = Task.detached(priority: .utility) { [self] in
                var noneOpen: (uses: Int, at: ContinuousClock.Instant)?
                while !Task.isCancelled {
                    do {
                        try await Task.sleep(for: .seconds(max(5, seconds())))
                    } catch {
                        return
                    }
                    if let noneOpen, database.useCount == noneOpen.uses, noneOpen.at.duration(to: .now) < .seconds(600) {
                        continue
                    }
                    let (open, changed) = await refreshStatuses()
                    noneOpen = open == 0 ? (database.useCount, .now) : nil
                    if changed > 0 { Log.shared.info("\(changed) media request(s) changed status") }
                }
            }
        }
    }

    /// Stops the follower (daemon shutdown).
    public func stopFollowing() {
        follower.withLock { task in
            task?.cancel()
            task = nil
        }
    }

    /// Runs `body` on the database's queue; storage failures answer as the one error shape.
    func perform<T: Sendable>(_ body: @escaping @Sendable (Connection) throws -> T) async throws(HTTPError) -> T {
        do {
            return try await database.perform { [database] in try database.withConnection { connection in try body(connection) } }
        } catch let error as HTTPError {
            throw error
        } catch {
            throw HTTPError.storage(error, failing: "Failed to use the requests")
        }
    }
}
