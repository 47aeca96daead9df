import Core
import Media
import GPUProbe
import MediaProtocol
import Sandbox

#if canImport(Glibc)
    import Glibc
#endif

/// The helper's life: parse the policy, confine the process, then answer requests one at a time until
/// the daemon closes the pipe. Exit status 2 is a bad command line, 3 a confinement that failed.
enum MediaHelperMain {
    /// Requests arrive on fd 3 and replies leave on fd 4 (stdin and stdout are not used).
    static let channel = HelperChannel(input: 3, output: 4)

    static func run(arguments: [String]) -> Int32 {
        Sandbox.closeInheritedDescriptors(from: 5)
        signal(SIGPIPE, SIG_IGN)
        let policy: HelperPolicy
        do {
            policy = try HelperPolicy(arguments: arguments)
        } catch {
            Log.shared.error("applianced-media: \(error)")
            return 2
        }
        // libavfilter is loaded only by a helper that may scale on a GPU, and before Landlock.
        if !policy.devicePaths.isEmpty { ThumbnailExtractor.prepareHardwarePath() }
        // Loading libav* ran the loader and the constructors of ~170 libraries (flite's voices, librsvg,
        // libopenmpt, x265 …) that decoding never calls: their pages go before the first item, while
        // /proc/self/smaps can still be read (Landlock will not allow it after `Sandbox.apply`).
        StartupCodePages.release()
        let codePages = StartupCodePages.readOnlyMappings()
        do {
            let notes = try Sandbox.apply(
                readPaths: policy.readPaths, devicePaths: policy.devicePaths, writePaths: policy.writePaths,
                memoryBytes: policy.memoryMB << 20, nice: policy.nice, idleIO: policy.idleIO)
            for note in notes { Log.shared.debug("applianced-media: \(note)") }
            if notes.contains(where: { $0.contains("not available") }) {
                Log.shared.warning("applianced-media: Landlock is not available in this kernel: file access is limited by seccomp only")
            }
        } catch {
            Log.shared.error("Failed to confine the media helper: \(error)")
            return 3
        }
        let testModes = HelperTestMode.enabled(policy)
        while true {
            let payload: [UInt8]
            do {
                guard case .payload(let bytes) = try channel.receive() else { return 0 }
                payload = bytes
            } catch {
                Log.shared.error("applianced-media: \(error)")
                return 1
            }
            let reply: HelperReply
            do {
                reply = try handle(HelperCodec.request(payload), policy: policy, testModes: testModes, codePages: codePages)
            } catch {
                reply = .failed(error)
            }
            guard channel.send(reply) else { return 0 }
        }
    }

    static func handle(
        _ request: HelperRequest, policy: HelperPolicy, testModes: Bool, codePages: [StartupCodePages.Mapping]
    ) throws(HelperFailure) -> HelperReply {
        switch request {
        case .thumbnails(let item):
            do { try Sandbox.limitCPU(seconds: policy.itemCPUSeconds) } catch { throw HelperFailure(.failed, "\(error)") }
            if testModes, let mode = HelperTestMode.marker(at: item.path) {
                return try mode.run(policy: policy)
            }
            return try ThumbnailWork.run(item, channel: channel, codePages: codePages)
        case .probe(let paths):
            var facts: [FileFactsResult] = []
            for path in paths {
                if testModes, let mode = HelperTestMode.marker(at: path) {
                    do throws(HelperFailure) {
                        _ = try mode.run(policy: policy)
                        facts.append(.failed(path: path, reason: "test mode ended without a failure"))
                    } catch {
                        facts.append(.failed(path: path, reason: error.reason))
                    }
                    continue
                }
                facts.append(ThumbnailWork.facts(path: path))
            }
            return .facts(facts)
        case .gpu(let nodes):
            return .gpu(nodes.map(VADecodeProbe.probe(renderNode:)))
        case .resume:
            throw HelperFailure(.crashed, "media helper protocol error: resume with no thumbnails in progress")
        }
    }
}
