public import Core

/// One graphics device: its DRM nodes, PCI identity, driver, whether we may open its render node, and
/// what it decodes.
public struct GPU: Sendable, Equatable {
    /// Stable identity: the PCI slot (`0000:00:02.0`) or, for a platform GPU, its sysfs path.
    public var id: String
    public var vendor: GPUVendor
    /// PCI vendor id as udev spells it (`8086`), when the GPU is on PCI.
    public var vendorID: String?
    /// PCI device id (`0F31`).
    public var deviceID: String?
    /// Product name from the hardware database, when udev has one.
    public var model: String?
    /// Kernel driver (`i915`, `amdgpu`, `v3d`, …).
    public var driver: String?
    public var pciSlot: String?
    /// Every DRM minor of the device (card, render, control), ordered by path.
    public var nodes: [GPUNode]
    /// Whether this process can open the render node, and why not.
    public var access: NodeAccess
    /// What the device decodes, or why that is unknown.
    public var decode: DecodeSupport
    /// What `/proc/driver/nvidia` says about it, when the proprietary driver runs it.
    public var nvidia: NVIDIADriverInfo?

    public var renderNode: String? { nodes.first { $0.kind == .render }?.path }
    public var cardNode: String? { nodes.first { $0.kind == .card }?.path }

    /// The device a worker opens: the render node for VA-API, `cuda:N` for NVIDIA (N = the driver's device minor).
    public var workerDevice: String? {
        if let nvidia { return "cuda:\(nvidia.deviceMinor ?? 0)" }
        return acceleration == nil ? nil : renderNode
    }

    /// A name for people: the database model, else vendor, device id and driver.
    public var displayName: String {
        if let model = nvidia?.model ?? model { return model }
        var parts = [vendor.displayName]
        if let deviceID { parts.append(deviceID) }
        if let driver { parts.append("(\(driver))") }
        return parts.joined(separator: " ")
    }

    /// How thumbnail workers can use it: `vaapi`, `nvidia`, or nil when they cannot.
    public var acceleration: String? {
        if nvidia != nil { return "nvidia" }
        if case .probed(let capabilities) = decode, !capabilities.codecs.isEmpty { return capabilities.api }
        return nil
    }
}

/// Who made a GPU, from its PCI vendor id or, for SoC GPUs, its driver.
public enum GPUVendor: String, Sendable, Equatable, CaseIterable {
    case intel, amd, nvidia, arm, broadcom, virtual, other

    public var displayName: String {
        switch self {
        case .intel: "Intel"
        case .amd: "AMD"
        case .nvidia: "NVIDIA"
        case .arm: "ARM Mali"
        case .broadcom: "Broadcom VideoCore"
        case .virtual: "Virtual"
        case .other: "Other"
        }
    }
}

/// One DRM minor (`/dev/dri/card0`, `/dev/dri/renderD128`, `/dev/dri/controlD64`).
public struct GPUNode: Sendable, Equatable {
    public enum Kind: String, Sendable { case card, render, control }
    public var kind: Kind
    public var path: String
    public var syspath: String
}

/// Whether the render node opens for this process.
public enum NodeAccess: Sendable, Equatable {
    case ok
    /// Permission denied; `group` owns the node (add the daemon's user to it).
    case denied(group: String?)
    /// The node is missing or failed to open for another reason.
    case unavailable(reason: String)
    /// The device has no render node (old kernel, display-only device).
    case noRenderNode

    public var isOK: Bool { self == .ok }
}

/// What a GPU decodes, or why we could not find out.
public enum DecodeSupport: Sendable, Equatable {
    case probed(DecodeCapabilities)
    case unavailable(reason: String)

    /// VA-API's answer (from the media helper): the vendor string and the raw `VAProfile` numbers it
    /// decodes (`VAEntrypointVLD`), named here.
    public static func vaapi(vendorString: String, decodableProfiles: [Int32]) -> DecodeSupport {
        .probed(DecodeCapabilities(api: "vaapi", vendorString: vendorString, codecs: VAProfileTable.codecs(decodableProfiles: decodableProfiles)))
    }
}

/// The result of asking the driver (VA-API, or the NVIDIA driver) what it decodes.
public struct DecodeCapabilities: Sendable, Equatable {
    /// `vaapi` or `nvidia`.
    public var api: String
    /// The driver's vendor string (`Intel iHD driver … 23.1.1`), or the NVIDIA driver version line.
    public var vendorString: String
    /// Codecs it decodes, each with its profiles, in a fixed order (h264, hevc, vp9, av1, mpeg2, vc1, jpeg, …).
    public var codecs: [DecodeCodec]
}

/// One codec a GPU decodes and the profiles of it.
public struct DecodeCodec: Sendable, Equatable {
    public var codec: String
    public var profiles: [String]
}

extension GPU {
    /// The full description (the `hardware` command and `GET /api/system/hardware`).
    public var json: JSON {
        var object: [String: JSON] = [
            "id": .string(id),
            "name": .string(displayName),
            "vendor": .string(vendor.rawValue),
            "vendor_name": .string(vendor.displayName),
            "vendor_id": JSON(vendorID),
            "device_id": JSON(deviceID),
            "model": JSON(model),
            "driver": JSON(driver),
            "pci_slot": JSON(pciSlot),
            "card_node": JSON(cardNode),
            "render_node": JSON(renderNode),
            "nodes": .array(nodes.map { ["kind": .string($0.kind.rawValue), "path": .string($0.path)] }),
            "acceleration": JSON(acceleration),
            "worker_device": JSON(workerDevice),
            "nvidia": nvidia.map {
                [
                    "driver_version": .string($0.version), "model": JSON($0.model),
                    "device_minor": $0.deviceMinor.map(JSON.init) ?? .null,
                ]
            } ?? .null,
        ]
        switch access {
        case .ok:
            object["access"] = ["ok": true, "reason": nil, "group": nil]
        case .denied(let group):
            let hint = group.map { "permission denied: add the daemon's user to the '\($0)' group" } ?? "permission denied"
            object["access"] = ["ok": false, "reason": .string(hint), "group": JSON(group)]
        case .unavailable(let reason):
            object["access"] = ["ok": false, "reason": .string(reason), "group": nil]
        case .noRenderNode:
            object["access"] = ["ok": false, "reason": "the device has no render node", "group": nil]
        }
        switch decode {
        case .probed(let capabilities):
            object["decode"] = [
                "ok": true, "reason": nil, "api": .string(capabilities.api),
                "vendor_string": .string(capabilities.vendorString),
                "codecs": .array(
                    capabilities.codecs.map {
                        ["codec": .string($0.codec), "profiles": .array($0.profiles.map(JSON.string))]
                    }),
            ]
        case .unavailable(let reason):
            object["decode"] = ["ok": false, "reason": .string(reason), "api": nil, "vendor_string": nil, "codecs": []]
        }
        return .object(object)
    }
}
