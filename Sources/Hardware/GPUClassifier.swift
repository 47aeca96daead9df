import Core

/// Turns udev's `drm` devices into GPUs: groups the minors by the device they hang off and reads vendor,
/// device id, driver and slot from udev properties (sysfs attributes only as a fallback). Pure.
enum GPUClassifier {
    /// PCI vendor ids of the vendors the appliance knows.
    static let vendorsByPCIID: [String: GPUVendor] = [
        "8086": .intel,
        "1002": .amd, "1022": .amd,
        "10DE": .nvidia, "12D2": .nvidia,
        "13B5": .arm,
        "14E4": .broadcom,
        // Emulated display adapters of QEMU, VirtualBox and VMware.
        "1013": .virtual, "1234": .virtual, "1AF4": .virtual, "1B36": .virtual, "15AD": .virtual, "80EE": .virtual,
    ]

    /// Kernel DRM drivers and their vendors (SoC GPUs have no PCI id, so the driver is all we have).
    static let vendorsByDriver: [String: GPUVendor] = [
        "i915": .intel, "i915_bpo": .intel, "xe": .intel,
        "amdgpu": .amd, "radeon": .amd,
        "nvidia": .nvidia, "nvidia-drm": .nvidia, "nouveau": .nvidia, "tegra": .nvidia,
        "panfrost": .arm, "panthor": .arm, "lima": .arm, "mali": .arm, "mali_kbase": .arm,
        "v3d": .broadcom, "vc4": .broadcom,
        "virtio_gpu": .virtual, "virtio-pci": .virtual, "qxl": .virtual, "bochs": .virtual, "bochs-drm": .virtual,
        "cirrus": .virtual, "cirrus-qemu": .virtual, "vmwgfx": .virtual, "vboxvideo": .virtual, "simpledrm": .virtual,
    ]

    /// The vendor from a PCI vendor id, else from the driver.
    static func vendor(pciVendorID: String?, driver: String?) -> GPUVendor {
        if let id = pciVendorID.flatMap(normalizedPCIID), let vendor = vendorsByPCIID[id] { return vendor }
        if let driver, let vendor = vendorsByDriver[driver.lowercased()] { return vendor }
        return .other
    }

    /// `0x8086`, `8086` or `8086\n` → `8086`; anything that is not 1–4 hex digits → nil.
    static func normalizedPCIID(_ raw: String) -> String? {
        var text = raw.trimmed.uppercased()
        if text.hasPrefix("0X") { text.removeFirst(2) }
        guard (1...4).contains(text.count), text.allSatisfy(\.isHexDigit) else { return nil }
        return String(repeating: "0", count: 4 - text.count) + text
    }

    /// `8086:0F31` → (`8086`, `0F31`); malformed → nil.
    static func splitPCIID(_ raw: String) -> (vendor: String, device: String)? {
        let parts = raw.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let vendor = normalizedPCIID(String(parts[0])),
            let device = normalizedPCIID(String(parts[1]))
        else { return nil }
        return (vendor, device)
    }

    /// The kind of a DRM minor from its name; connectors (`card0-DP-1`) and anything else → nil.
    static func nodeKind(sysname: String) -> GPUNode.Kind? {
        func numbered(_ prefix: String) -> Bool {
            sysname.hasPrefix(prefix) && sysname.count > prefix.count
                && sysname.dropFirst(prefix.count).allSatisfy(\.isASCII) && sysname.dropFirst(prefix.count).allSatisfy(\.isNumber)
        }
        if numbered("renderD") { return .render }
        if numbered("controlD") { return .control }
        if numbered("card") { return .card }
        return nil
    }

    /// Groups DRM minors into GPUs. Access and decode start as unknown; the probe fills them in.
    static func gpus(from records: [DeviceRecord]) -> [GPU] {
        var byParent: [String: (parent: DeviceRecord?, nodes: [GPUNode])] = [:]
        var order: [String] = []
        for record in records {
            guard record.subsystem == nil || record.subsystem == "drm",
                let kind = nodeKind(sysname: record.sysname)
            else { continue }
            let parent = record.ancestors.first
            let key = parent?.syspath ?? FileSystem.parentDirectory(of: FileSystem.parentDirectory(of: record.syspath))
            let path = record.devnode ?? record.property("DEVNAME") ?? "/dev/dri/\(record.sysname)"
            if byParent[key] == nil {
                order.append(key)
                byParent[key] = (parent, [])
            }
            byParent[key]?.nodes.append(GPUNode(kind: kind, path: path, syspath: record.syspath))
            if byParent[key]?.parent == nil, let parent { byParent[key]?.parent = parent }
        }
        return order.compactMap { key in
            guard let entry = byParent[key] else { return nil }
            return gpu(key: key, parent: entry.parent, nodes: entry.nodes.sorted { $0.path < $1.path })
        }.sorted { $0.id < $1.id }
    }

    static func gpu(key: String, parent: DeviceRecord?, nodes: [GPUNode]) -> GPU {
        var vendorID: String?
        var deviceID: String?
        if let pciID = parent?.property("PCI_ID"), let split = splitPCIID(pciID) {
            (vendorID, deviceID) = (split.vendor, split.device)
        } else {
            vendorID =
                parent?.property("ID_VENDOR_ID").flatMap(normalizedPCIID)
                ?? parent?.attribute("vendor").flatMap(normalizedPCIID)
            deviceID =
                parent?.property("ID_MODEL_ID").flatMap(normalizedPCIID)
                ?? parent?.attribute("device").flatMap(normalizedPCIID)
        }
        let driver = parent?.property("DRIVER") ?? parent?.attribute("driver")
        var slot = parent?.property("PCI_SLOT_NAME")
        if slot == nil, let idPath = parent?.property("ID_PATH"), idPath.hasPrefix("pci-"), !idPath.contains("-platform-") {
            slot = String(idPath.dropFirst(4))
        }
        if slot == nil, parent?.subsystem == "pci" { slot = parent?.sysname }
        let renderPresent = nodes.contains { $0.kind == .render }
        return GPU(
            id: slot ?? key,
            vendor: vendor(pciVendorID: vendorID, driver: driver),
            vendorID: vendorID,
            deviceID: deviceID,
            model: parent?.property("ID_MODEL_FROM_DATABASE"),
            driver: driver,
            pciSlot: slot,
            nodes: nodes,
            access: renderPresent ? .unavailable(reason: "not checked") : .noRenderNode,
            decode: .unavailable(reason: renderPresent ? "not probed" : "the device has no render node"),
            nvidia: nil
        )
    }
}
