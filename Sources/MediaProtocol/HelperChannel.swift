#if canImport(Glibc)
    import Glibc
#endif

/// One end of the daemon ↔ helper pipe pair: sends and receives `HelperFrame`s on two file
/// descriptors it does not own (the caller closes them).
public struct HelperChannel: Sendable {
    public let input: Int32
    public let output: Int32

    public init(input: Int32, output: Int32) {
        self.input = input
        self.output = output
    }

    /// What `receive` got.
    public enum Received: Sendable {
        case payload([UInt8])
        /// The other end closed the pipe (or the helper died).
        case closed
        /// `shouldStop` said so before a whole frame arrived.
        case stopped
    }

    /// Writes one frame; false when the other end is gone (EPIPE) or the write failed.
    @discardableResult
    public func send(_ payload: [UInt8]) -> Bool {
        writeAll(HelperFrame.header(count: payload.count) + payload)
    }

    public func send(_ request: HelperRequest) -> Bool { send(HelperCodec.encode(request)) }
    public func send(_ reply: HelperReply) -> Bool { send(HelperCodec.encode(reply)) }

    /// Reads one frame. `shouldStop` is asked every `pollMilliseconds` while nothing arrives (nil: wait
    /// without polling). A frame over the limit is a protocol error.
    public func receive(pollMilliseconds: Int32 = 100, shouldStop: (() -> Bool)? = nil) throws(HelperFailure) -> Received {
        var header: [UInt8] = []
        switch readExactly(4, into: &header, pollMilliseconds: pollMilliseconds, shouldStop: shouldStop) {
        case .closed: return .closed
        case .stopped: return .stopped
        case .payload: break
        }
        guard let length = HelperFrame.length(header: header) else {
            throw HelperFailure(.crashed, "media helper protocol error: a frame over \(HelperFrame.maximumBytes) bytes")
        }
        var payload: [UInt8] = []
        switch readExactly(length, into: &payload, pollMilliseconds: pollMilliseconds, shouldStop: shouldStop) {
        case .closed: throw HelperFailure(.crashed, "media helper protocol error: a frame cut short")
        case .stopped: return .stopped
        case .payload: return .payload(payload)
        }
    }

    private func readExactly(
        _ count: Int, into buffer: inout [UInt8], pollMilliseconds: Int32, shouldStop: (() -> Bool)?
    ) -> Received {
        buffer = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            if let shouldStop {
                var descriptor = pollfd(fd: input, events: Int16(POLLIN), revents: 0)
                let ready = poll(&descriptor, 1, pollMilliseconds)
                if ready == 0 || (ready < 0 && errno == EINTR) {
                    if shouldStop() { return .stopped }
                    continue
                }
            }
            let got = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress! + filled, count - filled) }
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else { return .closed }
            filled += got
        }
        return .payload([])
    }

    private func writeAll(_ bytes: [UInt8]) -> Bool {
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { write(output, $0.baseAddress! + written, bytes.count - written) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return false }
            written += count
        }
        return true
    }
}
