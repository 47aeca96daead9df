public import Core

/// A whole disk with its partitions, as the appliance shows it: identity, size, bus, filesystems,
/// mounts, usage and temperature.
public struct Disk: Sendable, Equatable {
    /// Kernel name (`sda`, `nvme0n1`, `mmcblk0`).
    public var name: String
    /// `/dev/…` node.
    public var path: String
    public var syspath: String
    public var model: String?
    public var serial: String?
    public var sizeBytes: UInt64?
    public var rotational: Bool?
    public var removable: Bool?
    public var bus: DiskBus
    /// Loop, ram and zram devices (hidden unless `show_virtual`).
    public var isVirtual: Bool
    /// A filesystem directly on the disk (no partition table).
    public var filesystem: FilesystemInfo?
    public var mounts: [String]
    public var usage: DiskUsage?
    public var temperatureCelsius: Double?
    public var partitions: [Partition]
    /// What could not be read about the disk (odd or missing udev properties).
    public var notes: [String]
}

/// One partition of a disk.
public struct Partition: Sendable, Equatable {
    public var name: String
    public var path: String
    public var syspath: String
    public var number: Int?
    public var sizeBytes: UInt64?
    public var filesystem: FilesystemInfo?
    public var mounts: [String]
    public var usage: DiskUsage?
}

/// Filesystem type, label and UUID as blkid (through udev) found them.
public struct FilesystemInfo: Sendable, Equatable {
    public var type: String
    public var label: String?
    public var uuid: String?
}

/// Space on a mounted filesystem (`statvfs`).
public struct DiskUsage: Sendable, Equatable {
    public var totalBytes: UInt64
    public var usedBytes: UInt64
    /// Space an unprivileged user may still write.
    public var availableBytes: UInt64

    public var percentUsed: Double {
        let denominator = usedBytes + availableBytes
        return denominator == 0 ? 0 : (Double(usedBytes) / Double(denominator) * 1000).rounded() / 10
    }
}

/// How a disk is attached.
public enum DiskBus: String, Sendable, Equatable, CaseIterable {
    case nvme, sata, ata, usb, mmc, virtio, scsi, virtual, unknown
}

extension Disk {
    /// The full description (the `hardware` command and `GET /api/system/hardware`).
    public var json: JSON {
        [
            "name": .string(name),
            "path": .string(path),
            "model": JSON(model),
            "serial": JSON(serial),
            "size_bytes": sizeBytes.map { JSON.int(Int64(clamping: $0)) } ?? .null,
            "rotational": rotational.map(JSON.bool) ?? .null,
            "removable": removable.map(JSON.bool) ?? .null,
            "bus": .string(bus.rawValue),
            "virtual": .bool(isVirtual),
            "filesystem": filesystem?.json ?? .null,
            "mounts": .array(mounts.map(JSON.string)),
            "usage": usage?.json ?? .null,
            "temperature_c": temperatureCelsius.map(JSON.double) ?? .null,
            "partitions": .array(partitions.map(\.json)),
            "notes": .array(notes.map(JSON.string)),
        ]
    }
}

extension Partition {
    public var json: JSON {
        [
            "name": .string(name),
            "path": .string(path),
            "number": number.map(JSON.init) ?? .null,
            "size_bytes": sizeBytes.map { JSON.int(Int64(clamping: $0)) } ?? .null,
            "filesystem": filesystem?.json ?? .null,
            "mounts": .array(mounts.map(JSON.string)),
            "usage": usage?.json ?? .null,
        ]
    }
}

extension FilesystemInfo {
    public var json: JSON { ["type": .string(type), "label": JSON(label), "uuid": JSON(uuid)] }
}

extension DiskUsage {
    public var json: JSON {
        [
            "total_bytes": .int(Int64(clamping: totalBytes)),
            "used_bytes": .int(Int64(clamping: usedBytes)),
            "available_bytes": .int(Int64(clamping: availableBytes)),
            "percent_used": .double(percentUsed),
        ]
    }
}
