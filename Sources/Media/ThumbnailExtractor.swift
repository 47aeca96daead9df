internal import CAV
import Previews

/// The thumbnail engine: one file in, its thumbnails out. Synchronous and self-contained: call it on a
/// worker thread; any number may run at once on different files. Cancel through the flag.
public enum ThumbnailExtractor {
    /// Extracts the thumbnails of `path`. On the VAAPI path any failure other than cancellation redoes
    /// the whole file on the CPU, and the result says why (`hardwareFailure`).
    /// `progress(done, planned)` is called on the calling thread after each thumbnail; `opened` each time
    /// the container has been opened and probed, before its streams are read.
    public static func extract(
        path: String, options: ThumbnailOptions = ThumbnailOptions(), cancellation: CancellationFlag = CancellationFlag(),
        opened: () -> Void = {}, progress: (Int, Int) -> Void = { _, _ in }
    ) throws(MediaError) -> ThumbnailResult {
        try options.validate()
        av_log_set_level(AV_LOG_QUIET)
        guard case .vaapi(let node) = options.decoder else {
            return try ExtractionRun(path: path, options: options, device: nil, cancellation: cancellation, opened: opened).run(progress)
        }
        do {
            let device = try HardwareDevice(vaapiRenderNode: node)
            return try ExtractionRun(path: path, options: options, device: device, cancellation: cancellation, opened: opened).run(progress)
        } catch  where error.kind == .cancelled {
            throw error
        } catch {
            var cpu = options
            cpu.decoder = .cpu
            let result = try ExtractionRun(path: path, options: cpu, device: nil, cancellation: cancellation, opened: opened).run(progress)
            return result.withHardwareFailure(error.reason)
        }
    }
}

extension ThumbnailExtractor {
    /// Loads what the VA-API path needs beyond the CPU path (libavfilter, for `scale_vaapi`) now: a media
    /// helper that may decode on a GPU calls this before it confines itself.
    public static func prepareHardwarePath() {
        FilterLibrary.preload()
    }
}

extension ThumbnailResult {
    func withHardwareFailure(_ reason: String) -> ThumbnailResult {
        ThumbnailResult(
            images: images, intervalSeconds: intervalSeconds, plannedCount: plannedCount, durationSeconds: durationSeconds,
            width: width, height: height, decodePath: decodePath, hardwareFailure: reason, toneMapped: toneMapped,
            framesDecoded: framesDecoded, seeks: seeks)
    }
}

/// Thumbnail box fitting: scale to fit inside the box keeping the display aspect ratio, even sizes.
enum ThumbnailSize {
    static func fit(width: Int32, height: Int32, sampleAspect: AVRational, box: (Int, Int)) -> (Int32, Int32) {
        var displayWidth = Double(width)
        if sampleAspect.num > 0 && sampleAspect.den > 0 {
            let sar = Double(sampleAspect.num) / Double(sampleAspect.den)
            if (0.1...10).contains(sar) { displayWidth *= sar }
        }
        let scale = min(Double(box.0) / displayWidth, Double(box.1) / Double(height))
        func even(_ value: Double, _ limit: Int) -> Int32 {
            Int32(max(2, min(limit - limit % 2, Int((value / 2).rounded()) * 2)))
        }
        return (even(displayWidth * scale, box.0), even(Double(height) * scale, box.1))
    }
}
