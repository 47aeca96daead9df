import Config
import Core
import Hardware
import MediaHelper
import MediaProtocol

#if canImport(Glibc)
    import Glibc
#endif

/// The media helper's settings from the config, and the hardware inventory's decode probe run through
/// a helper (the daemon never maps libva; the inventory keeps each GPU's answer until it is re-plugged).
enum MediaAdapters {
    /// `APPLIANCED_MEDIA_TEST_MODES=1` in the daemon's environment passes `--test-modes` to its helpers;
    /// the helper runs a test mode only when both are set (tests only, never in production).
    static func settings(_ s: ConfigSnapshot) -> MediaHelperSettings {
        let configured = s.string("workers.media_helper")
        return MediaHelperSettings(
            executable: configured.isEmpty ? MediaHelperSettings.defaultExecutable : configured,
            idleExitSeconds: s.integer("workers.idle_exit_s"), memoryMB: s.integer("limits.worker_memory_mb"),
            itemCPUSeconds: s.integer("limits.worker_item_cpu_s"), nice: s.integer("limits.worker_nice"),
            idleIO: s.bool("limits.worker_idle_io"), testModes: getenv("APPLIANCED_MEDIA_TEST_MODES").map { String(cString: $0) } == "1")
    }

    static func decodeProbe(_ settings: @escaping @Sendable () -> MediaHelperSettings) -> @Sendable (String) -> DecodeSupport {
        { node in
            do {
                guard let report = try MediaHelperClient(settings: settings()).gpuDecode(renderNodes: [node]).first else {
                    return .unavailable(reason: "the media helper gave no answer")
                }
                if let reason = report.unavailableReason { return .unavailable(reason: reason) }
                return .vaapi(vendorString: report.vendorString ?? "VA-API", decodableProfiles: report.decodableProfiles)
            } catch {
                Log.shared.warning("Failed to probe '\(node)' for decoding in the media helper: \(error)")
                return .unavailable(reason: "media helper: \(error)")
            }
        }
    }
}
