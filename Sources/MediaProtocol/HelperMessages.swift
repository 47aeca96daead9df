/// What the daemon asks a media helper to do; one request at a time, each answered by one final reply
/// (`HelperReply`), with `progress` replies before it for thumbnails.
public enum HelperRequest: Codable, Sendable, Equatable {
    /// Make one file's thumbnails and write the BIF.
    case thumbnails(ThumbnailRequest)
    /// Tell the file facts of each path (the catalog's probe).
    case probe(paths: [String])
    /// Ask VA-API what each render node decodes.
    case gpu(renderNodes: [String])
    /// The answer to a `progress` reply: go on with the next thumbnail (held back while workers pause).
    case resume
}

/// What a media helper answers.
public enum HelperReply: Codable, Sendable, Equatable {
    /// One more thumbnail made of `planned`; the helper waits for `resume` before the next.
    case progress(done: Int, planned: Int)
    /// The BIF is written.
    case thumbnails(ThumbnailSummary)
    /// One entry per requested path, in order.
    case facts([FileFactsResult])
    /// One entry per requested render node, in order.
    case gpu([GPUDecodeReport])
    /// The request failed (the helper goes on with the next).
    case failed(HelperFailure)
}

/// A request that failed inside the helper: a readable reason and its kind.
public struct HelperFailure: Codable, Sendable, Equatable, Error, CustomStringConvertible {
    public enum Kind: String, Codable, Sendable {
        /// The file cannot be opened or read (a sandbox refusal is this too).
        case unreadable
        /// No decodable video stream.
        case noVideo
        /// Damaged or undecodable data.
        case undecodable
        /// The item needed more memory than `limits.worker_memory_mb`.
        case memory
        /// Bad options, encoder, filter or output failure.
        case failed
        /// The helper died or broke the protocol (crash, signal, time limit); set by the daemon.
        case crashed
        /// The daemon stopped the request (job cancelled, daemon stopping) and killed the helper.
        case cancelled
    }

    public let kind: Kind
    public let reason: String

    public init(_ kind: Kind, _ reason: String) {
        self.kind = kind
        self.reason = reason
    }

    public var description: String { reason }
}
