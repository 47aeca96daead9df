#if canImport(Glibc)
    import Glibc
#endif

/// One client connection, owned by its loop and touched only on the loop's thread. Its buffers hold
/// only what is in flight: an idle keep-alive connection keeps no input and at most a small output buffer.
final class Connection {
    enum Phase {
        /// Between requests: the keep-alive deadline runs.
        case idle
        /// Part of a head has arrived: the head deadline runs.
        case head
        /// Reading a body: its deadline follows the minimum body rate.
        case body(PendingRequest, BodyReader)
        /// An `.async` handler is answering; nothing else is read for this connection until it has.
        case handling(PendingRequest)
        case webSocket(LoopWebSocket)
        /// The last answer is written and the write side shut: what the client still sends is dropped
        /// until it closes or the linger deadline passes, so that our answer is not lost to a reset.
        case lingering
    }

    let fd: Int32
    /// Tells this connection from a later one that reuses its descriptor.
    let id: UInt64
    let address: String
    let admission: ConnectionQuota.Admission

    var phase = Phase.idle
    /// Bytes received and not yet consumed (a partial head or body, pipelined requests).
    var input: [UInt8] = []
    var output: [UInt8] = []
    var outputSent = 0
    /// Monotonic nanoseconds at which the current phase's deadline passes.
    var deadline: UInt64 = .max
    var closeAfterOutput = false
    /// The client shut its write side: no more requests will come.
    var readClosed = false
    var closed = false
    /// The epoll events registered now.
    var interest: UInt32 = 0
    var registered = false
    /// When the last byte of output was written (or the connection opened): a stalled reader is closed.
    var lastWriteProgress: UInt64 = 0
    var bodyStarted: UInt64 = 0
    /// Bytes dropped while lingering.
    var lingered = 0

    init(fd: Int32, id: UInt64, address: String, admission: ConnectionQuota.Admission) {
        self.fd = fd
        self.id = id
        self.address = address
        self.admission = admission
    }

    var restricted: Bool { admission == .restricted }
    var pendingOutput: Int { output.count - outputSent }

    /// The output is all written: keep a small buffer for the next answer, release a large one.
    func outputDrained() {
        if output.capacity > 4096 {
            output = []
        } else {
            output.removeAll(keepingCapacity: true)
        }
        outputSent = 0
    }
}

/// Reads a request body as its framing says.
enum BodyReader {
    case length(remaining: Int)
    case chunked(ChunkedBody)
}

/// Monotonic time in nanoseconds, for deadlines.
func monotonicNanoseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}
