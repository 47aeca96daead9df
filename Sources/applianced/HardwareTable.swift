import Hardware

/// The `hardware` command's human output: one table of GPUs, one of disks and partitions.
enum HardwareTable {
    static func render(_ snapshot: HardwareSnapshot) -> String {
        var lines = ["GPUs"]
        if snapshot.gpus.isEmpty { lines.append("  (none)") }
        var rows = [["ID", "VENDOR", "PCI ID", "DRIVER", "NODES", "ACCESS", "DECODE"]]
        for gpu in snapshot.gpus {
            let pciID = [gpu.vendorID, gpu.deviceID].compactMap { $0 }.joined(separator: ":")
            rows.append([
                gpu.id, gpu.vendor.displayName, pciID.isEmpty ? "-" : pciID, gpu.driver ?? "-",
                gpu.nodes.map(\.path).joined(separator: " "), access(gpu.access), decode(gpu.decode),
            ])
        }
        if !snapshot.gpus.isEmpty { lines += table(rows) }
        lines.append("")
        lines.append("Disks")
        if snapshot.disks.isEmpty { lines.append("  (none)") }
        rows = [["NAME", "BUS", "SIZE", "MODEL", "SERIAL", "FS", "MOUNTED ON", "USED", "TEMP"]]
        for disk in snapshot.disks {
            rows.append([
                disk.name, disk.bus.rawValue, size(disk.sizeBytes), disk.model ?? "-", disk.serial ?? "-",
                disk.filesystem?.type ?? "-", disk.mounts.joined(separator: " "), used(disk.usage),
                disk.temperatureCelsius.map { "\(Int($0.rounded()))°C" } ?? "-",
            ])
            for partition in disk.partitions {
                rows.append([
                    "  " + partition.name, "", size(partition.sizeBytes), partition.filesystem?.label ?? "",
                    partition.filesystem?.uuid ?? "", partition.filesystem?.type ?? "-",
                    partition.mounts.joined(separator: " "), used(partition.usage), "",
                ])
            }
        }
        if !snapshot.disks.isEmpty { lines += table(rows) }
        return lines.joined(separator: "\n")
    }

    static func summary(_ event: HardwareEvent) -> String {
        switch event {
        case .diskAdded(let disk), .diskChanged(let disk): "\(disk.name) (\(disk.path)) \(size(disk.sizeBytes))"
        case .diskRemoved(let name, let path): "\(name) (\(path))"
        case .gpuAdded(let gpu), .gpuChanged(let gpu): "\(gpu.displayName) \(gpu.renderNode ?? gpu.id)"
        case .gpuRemoved(let id, let name): "\(name) \(id)"
        }
    }

    static func access(_ access: NodeAccess) -> String {
        switch access {
        case .ok: "ok"
        case .denied(let group): group.map { "denied (needs group \($0))" } ?? "denied"
        case .unavailable(let reason): reason
        case .noRenderNode: "no render node"
        }
    }

    static func decode(_ decode: DecodeSupport) -> String {
        switch decode {
        case .probed(let capabilities):
            capabilities.codecs.map(\.codec).joined(separator: " ") + " [\(capabilities.vendorString)]"
        case .unavailable(let reason): reason
        }
    }

    static func size(_ bytes: UInt64?) -> String {
        guard let bytes else { return "-" }
        let units = ["B", "KB", "MB", "GB", "TB", "PB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1000 && unit < units.count - 1 {
            value /= 1000
            unit += 1
        }
        return unit == 0 ? "\(bytes) B" : "\((value * 10).rounded() / 10) \(units[unit])"
    }

    static func used(_ usage: DiskUsage?) -> String {
        usage.map { "\($0.percentUsed)%" } ?? "-"
    }

    /// Left-aligned columns, two spaces apart.
    static func table(_ rows: [[String]]) -> [String] {
        let widths = (0..<(rows.first?.count ?? 0)).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            "  "
                + row.enumerated().map { $0.element.padding(toLength: widths[$0.offset]) }.joined(separator: "  ")
                .trimmedTrailing()
        }
    }
}

extension String {
    func trimmedTrailing() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
