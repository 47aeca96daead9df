internal import CVA
import Core
public import MediaProtocol

#if canImport(Glibc)
    import Glibc
#endif

/// Asks a render node's VA-API driver what it decodes: `vaGetDisplayDRM`, `vaInitialize`,
/// `vaQueryConfigProfiles`, `vaQueryConfigEntrypoints`. Blocking (the driver loads and talks to the
/// kernel). Runs in the media helper only, so the daemon never maps libva or a driver; the daemon
/// names the profiles (`VAProfileTable`) and caches the result.
public enum VADecodeProbe {
    public static func probe(renderNode: String) -> GPUDecodeReport {
        func unavailable(reason: String) -> GPUDecodeReport {
            GPUDecodeReport(renderNode: renderNode, vendorString: nil, decodableProfiles: [], unavailableReason: reason)
        }
        let fd = open(renderNode, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else {
            return unavailable(reason: SystemError(code: errno, call: "open", subject: renderNode).description)
        }
        defer { close(fd) }
        guard let display = vaGetDisplayDRM(fd) else {
            return unavailable(reason: "vaGetDisplayDRM: libva found no DRM display on '\(renderNode)'")
        }
        // libva prints errors and info to stderr by default; keep the errors for the reason instead.
        let messages = VAMessages()
        let context = Unmanaged.passRetained(messages)
        defer { context.release() }
        _ = vaSetErrorCallback(
            display,
            { userContext, message in
                guard let userContext, let message else { return }
                Unmanaged<VAMessages>.fromOpaque(userContext).takeUnretainedValue().append(String(cString: message))
            }, context.toOpaque())
        _ = vaSetInfoCallback(display, { _, _ in }, nil)
        defer { vaTerminate(display) }

        var major: Int32 = 0
        var minor: Int32 = 0
        let status = vaInitialize(display, &major, &minor)
        guard status == VA_STATUS_SUCCESS else {
            var reason = "vaInitialize: \(errorString(status))"
            if !messages.lines.isEmpty { reason += " (\(messages.lines.joined(separator: "; ")))" }
            return unavailable(reason: reason)
        }
        let vendor = vaQueryVendorString(display).map { String(cString: $0) } ?? "VA-API \(major).\(minor)"

        var profiles = [VAProfile](repeating: VAProfileNone, count: Int(max(vaMaxNumProfiles(display), 0)))
        var profileCount: Int32 = 0
        let queried = vaQueryConfigProfiles(display, &profiles, &profileCount)
        guard queried == VA_STATUS_SUCCESS else {
            return unavailable(reason: "vaQueryConfigProfiles: \(errorString(queried))")
        }
        var decodable: [Int32] = []
        var entrypoints = [VAEntrypoint](repeating: VAEntrypointVLD, count: Int(max(vaMaxNumEntrypoints(display), 0)))
        for profile in profiles.prefix(Int(min(max(profileCount, 0), Int32(profiles.count)))) {
            var entrypointCount: Int32 = 0
            guard vaQueryConfigEntrypoints(display, profile, &entrypoints, &entrypointCount) == VA_STATUS_SUCCESS else {
                continue
            }
            if entrypoints.prefix(Int(min(max(entrypointCount, 0), Int32(entrypoints.count)))).contains(VAEntrypointVLD) {
                decodable.append(profile.rawValue)
            }
        }
        return GPUDecodeReport(renderNode: renderNode, vendorString: vendor, decodableProfiles: decodable, unavailableReason: nil)
    }

    private static func errorString(_ status: VAStatus) -> String {
        vaErrorStr(status).map { String(cString: $0) } ?? "VA status \(status)"
    }
}

/// Error lines libva reported through its callback during one probe (called on the probing thread).
private final class VAMessages {
    private(set) var lines: [String] = []

    func append(_ line: String) {
        let text = line.trimmingWhitespace()
        if !text.isEmpty && lines.count < 8 { lines.append(text) }
    }
}
