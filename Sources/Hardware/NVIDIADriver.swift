import Core

/// What the proprietary NVIDIA driver says about one GPU in `/proc/driver/nvidia` (NVIDIA decodes through
/// NVDEC, not VA-API, so this stands in for the VA probe).
public struct NVIDIADriverInfo: Sendable, Equatable {
    /// First line of `/proc/driver/nvidia/version` (`NVRM version: NVIDIA UNIX x86_64 Kernel Module 535.113.01 …`).
    public var version: String
    /// `Model:` from `gpus/<slot>/information`.
    public var model: String?
    /// `Device Minor:` (the N of `/dev/nvidiaN`, the CUDA device workers use).
    public var deviceMinor: Int?

    /// Reads the driver's files under `root` (`/proc/driver/nvidia`) for the GPU in `pciSlot`; nil when the
    /// driver is not loaded or does not list that GPU.
    static func read(pciSlot: String, root: String = "/proc/driver/nvidia") -> NVIDIADriverInfo? {
        guard let versionText = FileSystem.readIfPresent("\(root)/version") else { return nil }
        let version = versionText.split(separator: "\n").first.map { String($0).trimmed } ?? ""
        guard let information = FileSystem.readIfPresent("\(root)/gpus/\(pciSlot.lowercased())/information") else {
            return nil
        }
        let fields = parseInformation(information)
        return NVIDIADriverInfo(version: version, model: fields["Model"], deviceMinor: fields["Device Minor"].flatMap { Int($0) })
    }

    /// `Key:   value` lines → dictionary. Pure.
    static func parseInformation(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = String(line[..<colon]).trimmed
            let value = String(line[line.index(after: colon)...]).trimmed
            if !key.isEmpty && !value.isEmpty { fields[key] = value }
        }
        return fields
    }
}
