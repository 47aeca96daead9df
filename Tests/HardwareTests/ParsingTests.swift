import Testing

@testable import Hardware

/// Table-driven tests of the pure parsers: mountinfo, PCI ids, vendor and driver mapping, VA profiles.
struct ParsingTests {
    @Test(arguments: [
        (
            "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue",
            MountEntry(devnum: "98:0", root: "/mnt1", mountPoint: "/mnt2", filesystem: "ext3", source: "/dev/root", readOnly: false)
        ),
        (
            "29 1 253:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw",
            MountEntry(devnum: "253:1", root: "/", mountPoint: "/", filesystem: "ext4", source: "/dev/vda1", readOnly: false)
        ),
        (
            "40 29 8:17 / /media/My\\040Disk ro,nosuid - vfat /dev/sdb1 ro",
            MountEntry(devnum: "8:17", root: "/", mountPoint: "/media/My Disk", filesystem: "vfat", source: "/dev/sdb1", readOnly: true)
        ),
        (
            "41 29 8:18 / /media/tab\\011new\\012line\\134back rw - exfat /dev/sdb2 rw",
            MountEntry(
                devnum: "8:18", root: "/", mountPoint: "/media/tab\tnew\nline\\back", filesystem: "exfat", source: "/dev/sdb2", readOnly: false)
        ),
        (
            "42 29 0:45 /@home /home rw shared:5 master:2 - btrfs /dev/nvme0n1p2 rw",
            MountEntry(devnum: "0:45", root: "/@home", mountPoint: "/home", filesystem: "btrfs", source: "/dev/nvme0n1p2", readOnly: false)
        ),
        (
            "43 29 8:1 / /odd\\9x rw - ext4 /dev/sda1 rw",
            MountEntry(devnum: "8:1", root: "/", mountPoint: "/odd\\9x", filesystem: "ext4", source: "/dev/sda1", readOnly: false)
        ),
    ])
    func mountInfoLine(line: String, expected: MountEntry) {
        #expect(MountTable.parseLine(Substring(line)) == expected)
    }

    @Test(arguments: ["", "garbage", "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 ext3 /dev/root rw", "1 2 3 4 5 6 7 8 9 -"])
    func malformedMountInfoLineIsSkipped(line: String) {
        #expect(MountTable.parseLine(Substring(line)) == nil)
    }

    @Test func mountInfoSkipsBadLinesAndKeepsGoodOnes() {
        let text = "bad line\n29 1 253:1 / / rw - ext4 /dev/vda1 rw\n\n30 29 0:5 / /dev rw - devtmpfs udev rw\n"
        #expect(MountTable.parse(text).map(\.mountPoint) == ["/", "/dev"])
    }

    @Test(
        arguments: [
            ("8086", "i915", GPUVendor.intel), ("8086", "xe", .intel), (nil, "i915_bpo", .intel),
            ("1002", "amdgpu", .amd), ("1002", "radeon", .amd), ("10DE", "nvidia", .nvidia), ("10de", "nouveau", .nvidia),
            (nil, "panfrost", .arm), (nil, "panthor", .arm), ("13B5", nil, .arm), (nil, "v3d", .broadcom), (nil, "vc4", .broadcom),
            ("14E4", nil, .broadcom), ("1013", "cirrus", .virtual), ("1AF4", "virtio-pci", .virtual),
            ("0x8086", nil, .intel), ("ZZZZ", "amdgpu", .amd), (nil, nil, .other), ("FFFF", "mystery", .other),
        ] as [(String?, String?, GPUVendor)])
    func vendorFromPCIIDOrDriver(vendorID: String?, driver: String?, expected: GPUVendor) {
        #expect(GPUClassifier.vendor(pciVendorID: vendorID, driver: driver) == expected)
    }

    @Test(
        arguments: [
            ("8086", "8086"), ("0x8086", "8086"), ("10de\n", "10DE"), ("a", "000A"), ("", nil), ("12345", nil), ("xyz", nil),
        ] as [(String, String?)])
    func pciIDNormalisation(raw: String, expected: String?) {
        #expect(GPUClassifier.normalizedPCIID(raw) == expected)
    }

    @Test(
        arguments: [
            ("card0", GPUNode.Kind.card), ("renderD128", .render), ("controlD64", .control),
            ("card0-DP-1", nil), ("card", nil), ("renderD", nil), ("ttm", nil), ("version", nil),
        ] as [(String, GPUNode.Kind?)])
    func drmNodeKind(sysname: String, expected: GPUNode.Kind?) {
        #expect(GPUClassifier.nodeKind(sysname: sysname) == expected)
    }

    @Test func vaProfilesGroupIntoCodecsInReportOrder() {
        // va.h: MPEG2Main 1, H264Main 6, H264High 7, VC1Advanced 10, JPEGBaseline 12, H264ConstrainedBaseline 13,
        // HEVCMain 17, HEVCMain10 18, VP9Profile0 19, VP9Profile2 21, AV1Profile0 32; -1 None, 35 Protected, 99 unknown.
        let codecs = VAProfileTable.codecs(decodableProfiles: [32, 18, 17, 7, 6, 13, 1, 10, 12, 19, 21, -1, 35, 99, 6])
        #expect(
            codecs == [
                DecodeCodec(codec: "h264", profiles: ["Main", "High", "Constrained Baseline"]),
                DecodeCodec(codec: "hevc", profiles: ["Main", "Main 10"]),
                DecodeCodec(codec: "vp9", profiles: ["Profile 0", "Profile 2"]),
                DecodeCodec(codec: "av1", profiles: ["Main"]),
                DecodeCodec(codec: "mpeg2", profiles: ["Main"]),
                DecodeCodec(codec: "vc1", profiles: ["Advanced"]),
                DecodeCodec(codec: "jpeg", profiles: ["Baseline"]),
            ])
        #expect(VAProfileTable.codecs(decodableProfiles: []).isEmpty)
    }

    @Test(arguments: [
        ("WDC\\x20WD10SPZX-75Z10T0\\x20\\x20", "WDC WD10SPZX-75Z10T0  "), ("plain", "plain"), ("bad\\xZZ", "bad\\xZZ"),
        ("end\\x2", "end\\x2"),
    ])
    func udevHexEscapes(encoded: String, decoded: String) {
        #expect(DiskClassifier.decodeHexEscapes(encoded) == decoded)
    }

    @Test(arguments: [
        ("loop0", true), ("ram12", true), ("zram0", true), ("dm-0", true), ("md127", true), ("nbd3", true),
        ("sda", false), ("mmcblk0", false), ("nvme0n1", false), ("loopback", false), ("mdx", false), ("vda", false),
    ])
    func virtualDiskNames(name: String, isVirtual: Bool) {
        #expect(DiskClassifier.isVirtual(name) == isVirtual)
    }

    @Test func nvidiaInformationFile() {
        let text = "Model: \t\t NVIDIA GeForce GTX 1650\nIRQ:   130\nGPU UUID: \t GPU-1234\nDevice Minor: \t 1\nnot a field\n"
        let fields = NVIDIADriverInfo.parseInformation(text)
        #expect(fields["Model"] == "NVIDIA GeForce GTX 1650" && fields["Device Minor"] == "1" && fields["IRQ"] == "130")
    }
}
