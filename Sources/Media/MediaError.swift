internal import CAV

#if canImport(Glibc)
    import Glibc
#endif

/// Why a media file gave no thumbnails: a readable reason, and the libav call and code when one failed.
public struct MediaError: Error, CustomStringConvertible, Equatable, Sendable {
    public enum Kind: Sendable, Equatable {
        /// The file cannot be opened or read.
        case unreadable
        /// No decodable video stream (audio-only, empty, cover art only, unknown codec).
        case noVideo
        /// The video could not be decoded (damaged or truncated data, no frame at all).
        case undecodable
        /// The hardware decoder or its device failed; the CPU path is tried next.
        case hardware
        /// The caller cancelled.
        case cancelled
        /// Plan, encoder, filter or output failure.
        case failed
    }

    public let kind: Kind
    public let reason: String
    /// The libav call that failed and its return code, when there was one.
    public let call: String?
    public let code: Int32?

    public init(_ kind: Kind, _ reason: String, call: String? = nil, code: Int32? = nil) {
        self.kind = kind
        self.reason = reason
        self.call = call
        self.code = code
    }

    /// A failed libav call: its name and `av_strerror` text.
    static func av(_ kind: Kind, _ call: String, _ code: Int32, _ context: String) -> MediaError {
        MediaError(kind, "\(context): \(call): \(averrorText(code))", call: call, code: code)
    }

    public var description: String { reason }
}

/// `av_strerror` as a Swift string.
func averrorText(_ code: Int32) -> String {
    var buffer = [CChar](repeating: 0, count: 128)
    if av_strerror(code, &buffer, buffer.count) < 0 { return "error \(code)" }
    return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
}

let averrorEAGAIN = cav_averror(EAGAIN)
let averrorEOF = cav_AVERROR_EOF
let noPTS = cav_AV_NOPTS_VALUE
