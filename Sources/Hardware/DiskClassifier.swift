import Core

/// Turns udev's `block` devices into disks with partitions. Pure: the mount table and the probes that touch
/// the filesystem (usage, temperature) come in as values and closures.
struct DiskClassifier {
    var mounts: [MountEntry]
    var showVirtual: Bool
    /// `statvfs` of a mount point.
    var usage: @Sendable (String) -> DiskUsage? = { _ in nil }
    /// hwmon temperature of a disk, in °C.
    var temperature: @Sendable (DeviceRecord) -> Double? = { _ in nil }

    static let virtualPrefixes = ["loop", "ram", "zram", "nbd", "dm-", "md"]

    static func isVirtual(_ name: String) -> Bool {
        virtualPrefixes.contains { prefix in
            name.hasPrefix(prefix) && (prefix.hasSuffix("-") || name.dropFirst(prefix.count).first?.isNumber == true)
        }
    }

    /// Optical drives are not storage the appliance manages.
    static func isOptical(_ record: DeviceRecord) -> Bool {
        record.property("ID_CDROM") == "1" || record.property("ID_TYPE") == "cd" || record.sysname.hasPrefix("sr")
    }

    func disks(from records: [DeviceRecord]) -> [Disk] {
        let blocks = records.filter { $0.subsystem == nil || $0.subsystem == "block" }
        var partitionsByDisk: [String: [Partition]] = [:]
        for record in blocks where kind(of: record) == "partition" {
            partitionsByDisk[FileSystem.parentDirectory(of: record.syspath), default: []].append(partition(record))
        }
        return blocks.compactMap { record -> Disk? in
            guard kind(of: record) == "disk", !Self.isOptical(record) else { return nil }
            let isVirtual = Self.isVirtual(record.sysname)
            if isVirtual && !showVirtual { return nil }
            var disk = self.disk(record, isVirtual: isVirtual)
            disk.partitions = (partitionsByDisk[record.syspath] ?? []).sorted {
                ($0.number ?? Int.max, $0.name) < ($1.number ?? Int.max, $1.name)
            }
            return disk
        }.sorted { $0.name < $1.name }
    }

    func kind(of record: DeviceRecord) -> String? {
        record.devtype ?? record.property("DEVTYPE")
    }

    func disk(_ record: DeviceRecord, isVirtual: Bool) -> Disk {
        var notes: [String] = []
        let path = record.devnode ?? record.property("DEVNAME")
        if path == nil { notes.append("udev gives no device node (DEVNAME)") }
        let sizeBytes = Self.sizeBytes(record)
        if record.attribute("size") != nil && sizeBytes == nil {
            notes.append("unreadable size '\(record.attribute("size") ?? "")'")
        }
        let bus = Self.bus(record, isVirtual: isVirtual)
        let mountPoints = mountPoints(record)
        return Disk(
            name: record.sysname,
            path: path ?? "/dev/\(record.sysname)",
            syspath: record.syspath,
            model: Self.model(record),
            serial: record.property("ID_SERIAL_SHORT") ?? record.property("ID_SERIAL") ?? record.attribute("device/serial"),
            sizeBytes: sizeBytes,
            rotational: Self.rotational(record, bus: bus),
            removable: record.attribute("removable").flatMap { $0 == "1" ? true : $0 == "0" ? false : nil },
            bus: bus,
            isVirtual: isVirtual,
            filesystem: Self.filesystem(record),
            mounts: mountPoints,
            usage: mountPoints.first.flatMap(usage),
            temperatureCelsius: isVirtual ? nil : temperature(record),
            partitions: [],
            notes: notes
        )
    }

    func partition(_ record: DeviceRecord) -> Partition {
        let mountPoints = mountPoints(record)
        return Partition(
            name: record.sysname,
            path: record.devnode ?? record.property("DEVNAME") ?? "/dev/\(record.sysname)",
            syspath: record.syspath,
            number: (record.property("PARTN") ?? record.attribute("partition")).flatMap { Int($0) },
            sizeBytes: Self.sizeBytes(record),
            filesystem: Self.filesystem(record),
            mounts: mountPoints,
            usage: mountPoints.first.flatMap(usage)
        )
    }

    /// Mount points of the device: mountinfo lines with its `major:minor`, or naming its node as the source.
    func mountPoints(_ record: DeviceRecord) -> [String] {
        let devnum = record.devnum
        let node = record.devnode ?? record.property("DEVNAME")
        let points = mounts.filter { entry in
            (devnum != nil && entry.devnum == devnum) || (node != nil && entry.source == node)
        }.map(\.mountPoint)
        var seen = Set<String>()
        return points.filter { seen.insert($0).inserted }
    }

    /// `size` is in 512-byte sectors whatever the device's block size.
    static func sizeBytes(_ record: DeviceRecord) -> UInt64? {
        guard let text = record.attribute("size"), let sectors = UInt64(text) else { return nil }
        let (bytes, overflow) = sectors.multipliedReportingOverflow(by: 512)
        return overflow ? nil : bytes
    }

    static func model(_ record: DeviceRecord) -> String? {
        if let encoded = record.property("ID_MODEL_ENC") {
            let decoded = decodeHexEscapes(encoded).trimmed
            if !decoded.isEmpty { return decoded }
        }
        if let model = record.property("ID_MODEL") { return model.replacingUnderscores() }
        return record.property("ID_NAME") ?? record.attribute("device/model")
    }

    static func bus(_ record: DeviceRecord, isVirtual: Bool) -> DiskBus {
        let chain = record.subsystemChain
        let idBus = record.property("ID_BUS")
        let name = record.sysname
        if isVirtual { return .virtual }
        if name.hasPrefix("nvme") || chain.contains("nvme") { return .nvme }
        if idBus == "usb" || chain.contains("usb") || record.property("ID_PATH")?.contains("-usb-") == true { return .usb }
        if name.hasPrefix("mmcblk") || chain.contains("mmc") { return .mmc }
        if name.hasPrefix("vd") || chain.contains("virtio") { return .virtio }
        if idBus == "ata" { return record.property("ID_ATA_SATA") == "0" ? .ata : .sata }
        if idBus == "scsi" || chain.contains("scsi") { return .scsi }
        return .unknown
    }

    static func rotational(_ record: DeviceRecord, bus: DiskBus) -> Bool? {
        if let rpm = record.property("ID_ATA_ROTATION_RATE_RPM").flatMap({ Int($0) }) { return rpm > 0 }
        if let flag = record.attribute("queue/rotational") { return flag == "1" }
        if bus == .nvme || bus == .mmc { return false }
        return nil
    }

    static func filesystem(_ record: DeviceRecord) -> FilesystemInfo? {
        guard let type = record.property("ID_FS_TYPE") else { return nil }
        let label = record.property("ID_FS_LABEL_ENC").map(decodeHexEscapes) ?? record.property("ID_FS_LABEL")
        return FilesystemInfo(type: type, label: label, uuid: record.property("ID_FS_UUID"))
    }

    /// udev's `_ENC` properties write unsafe bytes as `\xNN`.
    static func decodeHexEscapes(_ text: String) -> String {
        guard text.contains("\\x") else { return text }
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\\"), index + 3 < bytes.count, bytes[index + 1] == UInt8(ascii: "x"),
                let value = UInt8(String(decoding: bytes[(index + 2)...(index + 3)], as: UTF8.self), radix: 16)
            {
                out.append(value)
                index += 4
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension String {
    func replacingUnderscores() -> String {
        String(map { $0 == "_" ? " " : $0 }).trimmed
    }
}
