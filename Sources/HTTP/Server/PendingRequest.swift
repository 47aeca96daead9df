import Synchronization

/// One request from its head to its answer: what the server learnt from the head, the body as it
/// streams in, and the answer an `.async` handler hands back. The mutable fields are touched only by
/// the loop that owns the connection; `outcome` is the hand-over point between the handler's Task and
/// that loop, so it is behind a lock.
final class PendingRequest: @unchecked Sendable {
    let method: String
    let path: String
    let headers: Headers
    let query: [String: String]
    let requestID: String
    let remoteAddress: String
    let minorVersion: Int
    let keepAlive: Bool
    let started: ContinuousClock.Instant

    var route: Router.Entry?
    var parameters: [String: String] = [:]
    var principal: Principal = .anonymous
    /// Headers every answer to this request carries (`X-RateLimit-*` of a limited route).
    var extraHeaders: [(String, String)] = []
    /// An answer decided from the head alone (auth, 404, 405, …); the body is not read.
    var earlyResponse: Response?
    var body: [UInt8] = []
    var dispatched = false
    /// Counted among the requests in flight until it is answered or upgraded.
    var tracked = true
    var wasSuspended = false
    /// Where an `.async` answer goes back to.
    var resume: ConnectionRef?

    private struct Outcome {
        var response: Response?
        var delivered = false
        var taken = false
    }
    private let outcome = Mutex(Outcome())
    /// The `.async` handler's task, to cancel when the time limit answers first.
    private let work = Mutex<Task<Void, Never>?>(nil)

    init(head: RequestHead, requestID: String, remoteAddress: String) {
        method = head.method
        path = head.path
        headers = head.headers
        query = head.query
        minorVersion = head.minorVersion
        keepAlive = head.keepAlive
        self.requestID = requestID
        self.remoteAddress = remoteAddress
        started = .now
    }

    func attach(_ task: Task<Void, Never>) {
        work.withLock { $0 = task }
    }

    func cancelWork() {
        work.withLock { task in
            task?.cancel()
            task = nil
        }
    }

    var request: Request {
        Request(
            method: method, path: path, query: query, headers: headers, body: body, requestID: requestID,
            remoteAddress: remoteAddress, parameters: parameters, principal: principal)
    }

    /// Records the answer of a suspended request and wakes its loop; true for the first answer only
    /// (handler, time limit or shutdown race), so that the connection is answered exactly once.
    @discardableResult func deliver(_ response: Response) -> Bool {
        let first = outcome.withLock { state in
            if state.delivered { return false }
            state.delivered = true
            state.response = response
            return true
        }
        if first { resume?.wake() }
        return first
    }

    /// The delivered answer, once, for the loop to write.
    func takeDelivered() -> Response? {
        outcome.withLock { state in
            guard state.delivered, !state.taken else { return nil }
            state.taken = true
            return state.response
        }
    }

    /// Seconds since the head arrived.
    var elapsedSeconds: Double { Double(elapsedMicroseconds) / 1e6 }

    /// Microseconds since the head arrived.
    var elapsedMicroseconds: Int {
        let (seconds, attoseconds) = (ContinuousClock.now - started).components
        return Int(seconds) * 1_000_000 + Int(attoseconds / 1_000_000_000_000)
    }

    /// `micros` as milliseconds with three decimals (`0.042`), for the access log.
    static func millisecondsText(_ micros: Int) -> String {
        let fraction = micros % 1000
        let padding = fraction < 10 ? "00" : fraction < 100 ? "0" : ""
        return "\(micros / 1000).\(padding)\(fraction)"
    }
}
