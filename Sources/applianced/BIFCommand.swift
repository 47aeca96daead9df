import Core
import MediaHelper
import MediaProtocol
import Previews

#if canImport(Glibc)
    import Glibc
#endif

/// `applianced bif FILE -o OUT.bif`: the thumbnail engine alone on one file, in a media helper
/// confined as the daemon's workers are (reads FILE only, writes OUT's folder only).
enum BIFCommand {
    static let command = Command(
        name: "bif", usage: "bif FILE -o OUT.bif [--interval S] [--quality Q] [--cpu|--gpu NODE] [--threads N]",
        summary: "Write a BIF of FILE's preview thumbnails (no Plex needed)"
    ) { arguments in
        let file: String, output: String, request: ThumbnailRequest
        do throws(UsageError) {
            (file, output, request) = try parse(arguments)
        } catch {
            CommandLineTool.printError("applianced bif: \(error)")
            return 2
        }
        var clock = timespec()
        clock_gettime(CLOCK_MONOTONIC, &clock)
        let started = Double(clock.tv_sec) + Double(clock.tv_nsec) / 1e9
        let result: ThumbnailSummary
        do throws(HelperFailure) {
            result = try MediaHelperClient(settings: MediaHelperSettings(nice: 0, idleIO: false))
                .thumbnails(request, writeFolder: FileSystem.parentDirectory(of: absolute(output)))
        } catch where error.reason.hasPrefix("cannot write the BIF") {
            CommandLineTool.printError("Failed to write '\(output)': \(error)")
            return 1
        } catch {
            CommandLineTool.printError("Failed to extract thumbnails from '\(file)': \(error)")
            return 1
        }
        clock_gettime(CLOCK_MONOTONIC, &clock)
        let seconds = Double(clock.tv_sec) + Double(clock.tv_nsec) / 1e9 - started
        var line = "\(output): \(result.frames) frames (\(result.plannedCount) planned) \(result.width)x\(result.height)"
        let decodePath = result.decodePath == "vaapi" ? "vaapi \(request.renderNode ?? "")" : result.decodePath
        line += " in \(formatSeconds(seconds)) s, decode path \(decodePath)"
        if let failure = result.hardwareFailure { line += " (fell back from the GPU: \(failure))" }
        if result.toneMapped { line += ", HDR tone-mapped" }
        line += ", \(result.framesDecoded) frames decoded, \(result.seeks) seeks"
        print(line)
        return 0
    }

    static func parse(_ arguments: [String]) throws(UsageError) -> (String, String, ThumbnailRequest) {
        let parsed = try ParsedOptions(
            arguments, valued: ["-o", "--output", "--interval", "--quality", "--gpu", "--threads"],
            flags: ["--cpu"], maxPositional: 1)
        guard let file = parsed.positional.first else { throw UsageError("missing FILE") }
        guard let output = parsed.values["-o"] ?? parsed.values["--output"], !output.isEmpty else { throw UsageError("missing -o OUT.bif") }
        var request = ThumbnailRequest(
            path: absolute(file), intervalSeconds: try parsed.integer("--interval", default: 10, in: ThumbnailPlan.intervals),
            quality: try parsed.integer("--quality", default: 4, in: 1...10), decoderThreads: try parsed.integer("--threads", default: 2, in: 1...4),
            output: .file(path: absolute(output)))
        if let node = parsed.values["--gpu"] {
            guard !parsed.flags.contains("--cpu") else { throw UsageError("--cpu and --gpu exclude each other") }
            guard node.hasPrefix("/"), node.utf8.count < 4096 else { throw UsageError("--gpu needs a render node path such as /dev/dri/renderD128") }
            request.renderNode = node
        }
        return (file, output, request)
    }

    /// The helper's Landlock rules name absolute paths.
    static func absolute(_ path: String) -> String {
        guard !path.hasPrefix("/") else { return path }
        guard let cwd = getcwd(nil, 0) else { return path }
        defer { free(cwd) }
        let directory = String(cString: cwd)
        return (directory == "/" ? "" : directory) + "/" + path
    }

    private static func formatSeconds(_ value: Double) -> String {
        let milliseconds = Int((value * 1000).rounded())
        let fraction = String(milliseconds % 1000)
        return "\(milliseconds / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
