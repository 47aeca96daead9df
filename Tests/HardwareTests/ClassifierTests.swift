import Testing

@testable import Hardware

/// The classifiers on hand-made udev records: normal devices, and devices with missing or odd properties.
struct ClassifierTests {
    static let intelPCI = DeviceRecord(
        syspath: "/sys/devices/pci0000:00/0000:00:02.0", subsystem: "pci",
        properties: [
            "PCI_ID": "8086:46D1", "DRIVER": "i915", "PCI_SLOT_NAME": "0000:00:02.0", "ID_MODEL_FROM_DATABASE": "Alder Lake-N [UHD Graphics]",
        ])

    static func minor(_ name: String, parent: DeviceRecord?, properties: [String: String]? = nil) -> DeviceRecord {
        DeviceRecord(
            syspath: (parent?.syspath ?? "/sys/devices/virtual") + "/drm/" + name, subsystem: "drm",
            devtype: "drm_minor", devnode: nil,
            properties: properties ?? ["DEVNAME": "/dev/dri/\(name)"], ancestors: parent.map { [$0] } ?? [])
    }

    @Test func groupsMinorsOfOneDeviceIntoOneGPU() throws {
        let gpus = GPUClassifier.gpus(from: [
            Self.minor("renderD128", parent: Self.intelPCI), Self.minor("card0", parent: Self.intelPCI),
            DeviceRecord(
                syspath: Self.intelPCI.syspath + "/drm/card0/card0-HDMI-A-1", subsystem: "drm",
                ancestors: [Self.intelPCI]),
        ])
        let gpu = try #require(gpus.first)
        #expect(gpus.count == 1)
        #expect(gpu.id == "0000:00:02.0" && gpu.vendor == .intel && gpu.vendorID == "8086" && gpu.deviceID == "46D1")
        #expect(gpu.driver == "i915" && gpu.model == "Alder Lake-N [UHD Graphics]")
        #expect(gpu.cardNode == "/dev/dri/card0" && gpu.renderNode == "/dev/dri/renderD128")
    }

    @Test func platformGPUWithoutPCIIdentityUsesItsDriver() throws {
        let v3d = DeviceRecord(
            syspath: "/sys/devices/platform/axi/1002000000.v3d", subsystem: "platform",
            properties: ["DRIVER": "v3d", "OF_COMPATIBLE_0": "brcm,2712-v3d"])
        let gpu = try #require(GPUClassifier.gpus(from: [Self.minor("renderD128", parent: v3d)]).first)
        #expect(gpu.vendor == .broadcom && gpu.vendorID == nil && gpu.pciSlot == nil && gpu.id == v3d.syspath)
    }

    @Test func oddAndMissingPropertiesStillGiveAGPU() throws {
        let odd = DeviceRecord(
            syspath: "/sys/devices/pci0000:00/0000:00:03.0", subsystem: "pci",
            properties: ["PCI_ID": "nonsense", "DRIVER": "  ", "ID_PATH": "pci-0000:00:03.0"],
            attributes: ["vendor": "0x1002\n", "device": "0x164e\n", "driver": "amdgpu"])
        let gpu = try #require(GPUClassifier.gpus(from: [Self.minor("renderD129", parent: odd, properties: [:])]).first)
        // sysfs attributes are the fallback; the node path comes from the name when udev has no DEVNAME.
        #expect(gpu.vendor == .amd && gpu.vendorID == "1002" && gpu.deviceID == "164E" && gpu.driver == "amdgpu")
        #expect(gpu.pciSlot == "0000:00:03.0" && gpu.renderNode == "/dev/dri/renderD129")

        let orphan = try #require(GPUClassifier.gpus(from: [Self.minor("card7", parent: nil, properties: [:])]).first)
        #expect(orphan.vendor == .other && orphan.driver == nil && orphan.access == .noRenderNode)
        #expect(orphan.decode == .unavailable(reason: "the device has no render node"))
    }

    static func block(
        _ name: String, parent: String = "/sys/devices/pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0/block",
        devtype: String = "disk", properties: [String: String] = [:], attributes: [String: String] = [:]
    ) -> DeviceRecord {
        DeviceRecord(
            syspath: parent + "/" + name, subsystem: "block", devtype: devtype, devnode: "/dev/\(name)",
            devnum: properties["MAJOR"].map { "\($0):\(properties["MINOR"] ?? "0")" },
            properties: properties, attributes: attributes)
    }

    @Test func disksWithPartitionsMountsAndUsage() throws {
        let diskPath = "/sys/devices/pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0/block"
        let records = [
            Self.block(
                "sda",
                properties: [
                    "ID_BUS": "ata", "ID_ATA_SATA": "1", "ID_MODEL": "WDC_WD10", "ID_SERIAL_SHORT": "WX1",
                    "ID_ATA_ROTATION_RATE_RPM": "5400", "MAJOR": "8", "MINOR": "0",
                ],
                attributes: ["size": "1953525168", "removable": "0"]),
            Self.block(
                "sda2", parent: diskPath + "/sda", devtype: "partition",
                properties: [
                    "PARTN": "2", "ID_FS_TYPE": "ext4", "ID_FS_LABEL_ENC": "Media\\x20Disk", "ID_FS_LABEL": "Media_Disk",
                    "ID_FS_UUID": "u-2", "MAJOR": "8", "MINOR": "2",
                ], attributes: ["size": "1000"]),
            Self.block(
                "sda1", parent: diskPath + "/sda", devtype: "partition",
                properties: ["PARTN": "1", "ID_FS_TYPE": "vfat", "MAJOR": "8", "MINOR": "1"]),
            Self.block("sr0", properties: ["ID_CDROM": "1"]),
            Self.block("loop0", parent: "/sys/devices/virtual/block"),
        ]
        let mounts = MountTable.parse("40 29 8:2 / /media/My\\040Disk rw - ext4 /dev/sda2 rw\n41 29 8:1 / /boot/efi rw - vfat /dev/sda1 rw\n")
        let classifier = DiskClassifier(
            mounts: mounts, showVirtual: false,
            usage: { point in
                point == "/media/My Disk" ? DiskUsage(totalBytes: 1000, usedBytes: 250, availableBytes: 700) : nil
            })
        let disks = classifier.disks(from: records)
        let disk = try #require(disks.first)
        #expect(disks.map(\.name) == ["sda"])
        #expect(disk.bus == .sata && disk.model == "WDC WD10" && disk.serial == "WX1" && disk.rotational == true)
        #expect(disk.sizeBytes == 1_953_525_168 * 512 && disk.removable == false && disk.notes.isEmpty)
        #expect(disk.partitions.map(\.name) == ["sda1", "sda2"])
        let media = disk.partitions[1]
        #expect(media.filesystem == FilesystemInfo(type: "ext4", label: "Media Disk", uuid: "u-2"))
        #expect(media.mounts == ["/media/My Disk"] && media.usage?.percentUsed == 26.3 && media.sizeBytes == 512_000)

        let withVirtual = DiskClassifier(mounts: [], showVirtual: true).disks(from: records)
        #expect(withVirtual.map(\.name) == ["loop0", "sda"] && withVirtual[0].bus == .virtual && withVirtual[0].isVirtual)
    }

    @Test(
        arguments: [
            ("nvme0n1", [String: String](), ["nvme"], DiskBus.nvme), ("sdb", ["ID_BUS": "usb"], ["scsi", "usb"], .usb),
            ("sdc", [:], ["scsi", "usb", "pci"], .usb), ("mmcblk0", [:], ["mmc"], .mmc), ("vda", [:], ["virtio"], .virtio),
            ("sdd", ["ID_BUS": "ata"], ["scsi"], .sata), ("sde", ["ID_BUS": "ata", "ID_ATA_SATA": "0"], ["scsi"], .ata),
            ("sdf", ["ID_BUS": "scsi"], [], .scsi), ("xyz", [:], [], .unknown),
        ] as [(String, [String: String], [String], DiskBus)])
    func diskBus(name: String, properties: [String: String], parents: [String], expected: DiskBus) {
        let record = DeviceRecord(
            syspath: "/sys/devices/x/block/\(name)", subsystem: "block", devtype: "disk",
            properties: properties,
            ancestors: parents.enumerated().map { DeviceRecord(syspath: "/sys/devices/p\($0.offset)", subsystem: $0.element) })
        #expect(DiskClassifier.bus(record, isVirtual: false) == expected)
    }

    @Test func diskWithMissingAndOddPropertiesIsListedWithNotes() throws {
        let record = DeviceRecord(
            syspath: "/sys/devices/x/block/sdq", subsystem: "block", devtype: "disk",
            properties: ["ID_MODEL_ENC": "\\x20\\x20", "ID_ATA_ROTATION_RATE_RPM": "fast"],
            attributes: ["size": "lots", "removable": "maybe"])
        let disk = try #require(DiskClassifier(mounts: [], showVirtual: false).disks(from: [record]).first)
        #expect(disk.path == "/dev/sdq" && disk.sizeBytes == nil && disk.model == nil && disk.removable == nil)
        #expect(disk.rotational == nil && disk.bus == .unknown)
        #expect(disk.notes == ["udev gives no device node (DEVNAME)", "unreadable size 'lots'"])
        // A partition whose disk is not in the list is not a disk of its own.
        let stray = DeviceRecord(syspath: "/sys/devices/y/block/sdz/sdz1", subsystem: "block", devtype: "partition")
        #expect(DiskClassifier(mounts: [], showVirtual: false).disks(from: [stray]).isEmpty)
    }

    @Test func diffReportsAddRemoveAndChangeButNotUsageDrift() {
        var disk = Disk(
            name: "sda", path: "/dev/sda", syspath: "/s/sda", model: nil, serial: nil, sizeBytes: 1, rotational: nil,
            removable: nil, bus: .sata, isVirtual: false, filesystem: nil, mounts: [], usage: nil,
            temperatureCelsius: 30, partitions: [], notes: [])
        var drifted = disk
        drifted.temperatureCelsius = 41
        drifted.usage = DiskUsage(totalBytes: 10, usedBytes: 5, availableBytes: 5)
        #expect(HardwareDiff.disks(from: [disk], to: [drifted]).isEmpty)
        var mounted = disk
        mounted.mounts = ["/media"]
        #expect(HardwareDiff.disks(from: [disk], to: [mounted]) == [.diskChanged(mounted)])
        #expect(HardwareDiff.disks(from: [], to: [disk]) == [.diskAdded(disk)])
        disk.name = "sda"
        #expect(HardwareDiff.disks(from: [disk], to: []) == [.diskRemoved(name: "sda", path: "/dev/sda")])
    }
}
