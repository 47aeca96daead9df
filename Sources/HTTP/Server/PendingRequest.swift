import Synchronization

/// A libmicrohttpd connection pointer that may cross to the Task that answers an `.async` route.
/// Only `MHD_resume_connection` is called with it off the server thread, which libmicrohttpd allows.
struct ConnectionHandle: @unchecked Sendable {
    let pointer: OpaquePointer
}

/// One request between its first callback and its completion: what the server learnt from the headers,
/// the body as it streams in, and the response an `.async` handler hands back.
/// The mutable fields are touched only by the server thread that owns the connection; `outcome` is the
/// hand-over point between the handler's Task and that thread, so it is behind a lock.
final class PendingRequest: @unchecked Sendable {
    let method: String
    let path: String
    let headers: Headers
    let query: [String: String]
    let requestID: String
    let remoteAddress: String
    let started: ContinuousClock.Instant
    let connection: ConnectionHandle

    var route: Route?
    var parameters: [String: String] = [:]
    var principal: Principal = .anonymous
    /// Headers every answer to this request carries (`X-RateLimit-*` of a limited route).
    var extraHeaders: [(String, String)] = []
    /// An answer decided before the body was read (auth, 404, 405, …); the body is discarded.
    var earlyResponse: Response?
    var body: [UInt8] = []
    var bodyTooLarge = false
    var discardedBytes = 0
    var dispatched = false
    /// Counted among the requests in flight until it completes or is upgraded.
    var tracked = true
    var wasSuspended = false

    private struct Outcome {
        var response: Response?
        var delivered = false
        var taken = false
    }
    private let outcome = Mutex(Outcome())
    /// The `.async` handler's task, to cancel when the time limit answers first.
    private let work = Mutex<Task<Void, Never>?>(nil)

    func attach(_ task: Task<Void, Never>) {
        work.withLock { $0 = task }
    }

    func cancelWork() {
        work.withLock { task in
            task?.cancel()
            task = nil
        }
    }

    init(
        method: String, path: String, headers: Headers, query: [String: String], requestID: String,
        remoteAddress: String, connection: ConnectionHandle
    ) {
        self.method = method
        self.path = path
        self.headers = headers
        self.query = query
        self.requestID = requestID
        self.remoteAddress = remoteAddress
        self.started = .now
        self.connection = connection
    }

    var request: Request {
        Request(
            method: method, path: path, query: query, headers: headers, body: body, requestID: requestID,
            remoteAddress: remoteAddress, parameters: parameters, principal: principal)
    }

    /// Records the answer of a suspended request; true for the first answer only (handler, time limit or
    /// shutdown race), so that the connection is resumed exactly once.
    func deliver(_ response: Response) -> Bool {
        outcome.withLock { state in
            if state.delivered { return false }
            state.delivered = true
            state.response = response
            return true
        }
    }

    /// The delivered answer, once, for the server thread to queue after the resume.
    func takeDelivered() -> Response? {
        outcome.withLock { state in
            guard state.delivered, !state.taken else { return nil }
            state.taken = true
            return state.response
        }
    }

    /// Seconds since the headers arrived.
    var elapsedSeconds: Double {
        let (seconds, attoseconds) = (ContinuousClock.now - started).components
        return Double(seconds) + Double(attoseconds) * 1e-18
    }

    /// Time since the headers arrived, as milliseconds with three decimals (`0.042`), for the access log.
    var elapsedText: String {
        let (seconds, attoseconds) = (ContinuousClock.now - started).components
        let micros = Int(seconds) * 1_000_000 + Int(attoseconds / 1_000_000_000_000)
        let fraction = String(micros % 1000)
        return "\(micros / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
