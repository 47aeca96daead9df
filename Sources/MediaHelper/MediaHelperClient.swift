public import MediaProtocol

/// Short-lived helpers for one-off work: file facts for the library scanner (in batches; a file that
/// crashes the helper fails alone) and the GPU decode probe. Blocking: call from a thread of your own
/// or a scanning thread, never the cooperative pool.
public struct MediaHelperClient: Sendable {
    public let settings: MediaHelperSettings
    /// Paths per helper request.
    public static let batchSize = 32

    public init(settings: MediaHelperSettings) {
        self.settings = settings
    }

    /// The facts of each file (duration, container, streams, codecs, resolution, HDR, languages,
    /// subtitles), in order; a file that cannot be read, or crashes the decoder, gets its reason.
    /// `roots` are the folders the helper may read (the library's roots).
    public func fileFacts(_ paths: [String], roots: [String]) -> [FileFactsResult] {
        let policy = settings.policy(read: roots, write: [])
        var results: [FileFactsResult] = []
        var helper: MediaHelperProcess?
        defer { helper?.finish() }
        var start = 0
        while start < paths.count {
            let batch = Array(paths[start..<min(start + Self.batchSize, paths.count)])
            start += batch.count
            do throws(HelperFailure) {
                let current: MediaHelperProcess
                if let helper { current = helper } else { current = try MediaHelperProcess(settings: settings, policy: policy) }
                helper = current
                if case .facts(let facts) = try current.perform(.probe(paths: batch)), facts.count == batch.count {
                    results += facts
                    continue
                }
                results += batch.map { .failed(path: $0, reason: "media helper protocol error: unexpected reply") }
            } catch {
                helper = nil
                // One file of the batch killed the helper: ask again one file per helper to name it.
                results += batch.count == 1 ? [.failed(path: batch[0], reason: error.reason)] : batch.map { single($0, policy) }
            }
        }
        return results
    }

    private func single(_ path: String, _ policy: HelperPolicy) -> FileFactsResult {
        do {
            let helper = try MediaHelperProcess(settings: settings, policy: policy)
            defer { helper.finish() }
            if case .facts(let facts) = try helper.perform(.probe(paths: [path])), let first = facts.first { return first }
            return .failed(path: path, reason: "media helper protocol error: unexpected reply")
        } catch {
            return .failed(path: path, reason: error.reason)
        }
    }

    /// VA-API's answer for each render node, from one helper that may read only those nodes.
    public func gpuDecode(renderNodes: [String]) throws(HelperFailure) -> [GPUDecodeReport] {
        let helper = try MediaHelperProcess(settings: settings, policy: settings.policy(read: [], devices: renderNodes, write: []))
        defer { helper.finish() }
        guard case .gpu(let reports) = try helper.perform(.gpu(renderNodes: renderNodes)), reports.count == renderNodes.count else {
            throw HelperFailure(.crashed, "media helper protocol error: unexpected reply")
        }
        return reports
    }

    /// One file's thumbnails into a BIF (the `bif` command): the helper reads only `path` and writes
    /// only the output's folder.
    public func thumbnails(_ request: ThumbnailRequest, writeFolder: String) throws(HelperFailure) -> ThumbnailSummary {
        let helper = try MediaHelperProcess(
            settings: settings,
            policy: settings.policy(read: [request.path], devices: request.renderNode.map { [$0] } ?? [], write: [writeFolder]))
        defer { helper.finish() }
        switch try helper.perform(.thumbnails(request)) {
        case .thumbnails(let summary): return summary
        case .failed(let failure): throw failure
        default: throw HelperFailure(.crashed, "media helper protocol error: unexpected reply")
        }
    }
}
