import Core
import Media
import MediaProtocol
import Previews

#if canImport(Glibc)
    import Glibc
#endif

/// The helper's real work: one file's thumbnails into a BIF, and file facts.
enum ThumbnailWork {
    /// Extracts, encodes and writes the BIF. After each thumbnail it reports progress and waits for the
    /// daemon's `resume` (held back while workers pause); a closed pipe ends the helper.
    /// `codePages`: the helper's read-only file mappings, taken before it was confined; opening a file
    /// probes it with every demuxer's code (libopenmpt's alone faulted in 1 MiB), dropped again once the
    /// container is known, so it is not resident while the file is decoded (`docs/performance.md`).
    static func run(_ item: ThumbnailRequest, channel: HelperChannel, codePages: [StartupCodePages.Mapping]) throws(HelperFailure) -> HelperReply {
        var options = ThumbnailOptions(intervalSeconds: item.intervalSeconds, quality: item.quality, decoderThreads: item.decoderThreads)
        if let node = item.renderNode { options.decoder = .vaapi(renderNode: node) }
        let result: ThumbnailResult
        do {
            result = try ThumbnailExtractor.extract(path: item.path, options: options, opened: { StartupCodePages.releaseAgain(codePages) }) {
                done, planned in
                guard channel.send(.progress(done: done, planned: planned)) else { exit(0) }
                guard case .payload(let payload)? = try? channel.receive(), (try? HelperCodec.request(payload)) == .resume else { exit(0) }
            }
        } catch {
            throw failure(error)
        }
        do {
            let bif = try BIFFile.encode(images: result.images, intervalSeconds: result.intervalSeconds)
            switch item.output {
            case .plexBundle(let folder, let hash):
                try BIFOutput.write(bif, to: try PlexBundlePath(plexConfigFolder: folder, hash: hash))
            case .file(let path):
                try BIFOutput.write(bif, toPath: path)
            }
        } catch {
            throw HelperFailure(.failed, "cannot write the BIF: \(error)")
        }
        let path: String
        switch result.decodePath {
        case .cpu: path = "cpu"
        case .vaapi: path = "vaapi"
        }
        return .thumbnails(
            ThumbnailSummary(
                frames: result.images.count, plannedCount: result.plannedCount, width: result.width, height: result.height,
                decodePath: path, hardwareFailure: result.hardwareFailure, toneMapped: result.toneMapped,
                framesDecoded: result.framesDecoded, seeks: result.seeks))
    }

    static func facts(path: String) -> FileFactsResult {
        do {
            return .facts(try FileFactsProbe.facts(path: path))
        } catch {
            return .failed(path: path, reason: failure(error).reason)
        }
    }

    /// A libav ENOMEM under the sandbox's limits is the memory budget, said so.
    static func failure(_ error: MediaError) -> HelperFailure {
        if error.code == -ENOMEM || error.reason.contains("out of memory") {
            return HelperFailure(.memory, "memory budget exceeded (\(error.reason))")
        }
        switch error.kind {
        case .unreadable: return HelperFailure(.unreadable, error.reason)
        case .noVideo: return HelperFailure(.noVideo, error.reason)
        case .undecodable: return HelperFailure(.undecodable, error.reason)
        case .hardware, .cancelled, .failed: return HelperFailure(.failed, error.reason)
        }
    }
}
