public import MediaHelper
public import MediaProtocol

/// Reads what a media file holds (duration, streams, codecs, resolution, HDR, languages). Blocking:
/// the scanner calls it from its own thread. The daemon's prober is the sandboxed media helper.
public protocol FileProber: Sendable {
    /// One result per path, in order; `roots` are the folders the prober may read.
    func facts(_ paths: [String], roots: [String]) -> [FileFactsResult]
}

extension MediaHelperClient: FileProber {
    public func facts(_ paths: [String], roots: [String]) -> [FileFactsResult] {
        fileFacts(paths, roots: roots)
    }
}
