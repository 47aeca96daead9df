import Core
import Testing

@testable import Hardware

#if canImport(Glibc)
    import Glibc
#endif

/// hwmon temperatures and the NVIDIA driver's /proc files, read from small trees in a temp directory laid
/// out as the kernel lays them out.
struct SysfsFixtureTests {
    static func tree(_ files: [String: String]) throws -> String {
        var template = Array("/tmp/hardware-sysfs-XXXXXX".utf8CString)
        let root = try #require(template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }.map { String(cString: $0) })
        for (path, text) in files {
            try FileSystem.makeDirectories(FileSystem.parentDirectory(of: root + path))
            try FileSystem.writeAtomically(root + path, Array(text.utf8))
        }
        return root
    }

    static func remove(_ root: String) {
        _ = TestSupport.run("rm -rf \(TestSupport.quote(root))")
    }

    @Test func drivetempUnderTheSCSIDevice() throws {
        let root = try Self.tree(["/block/sda/device/hwmon/hwmon3/temp1_input": "38500\n"])
        defer { Self.remove(root) }
        #expect(HostProbes.temperature(DeviceRecord(syspath: root + "/block/sda", subsystem: "block")) == 38.5)
    }

    @Test func nvmeUnderTheController() throws {
        let root = try Self.tree(["/nvme/nvme0/hwmon1/temp1_input": "41850", "/nvme/nvme0/nvme0n1/size": "0"])
        defer { Self.remove(root) }
        let disk = DeviceRecord(
            syspath: root + "/nvme/nvme0/nvme0n1", subsystem: "block",
            ancestors: [DeviceRecord(syspath: root + "/nvme/nvme0", subsystem: "nvme")])
        #expect(HostProbes.temperature(disk) == 41.85)
    }

    @Test(arguments: ["garbage", "", "999999999", "-273000"])
    func implausibleOrUnreadableTemperatureIsNil(text: String) throws {
        let root = try Self.tree(["/block/sdb/device/hwmon/hwmon0/temp1_input": text])
        defer { Self.remove(root) }
        #expect(HostProbes.temperature(DeviceRecord(syspath: root + "/block/sdb", subsystem: "block")) == nil)
    }

    @Test func nvidiaGPUFromProcDriverNvidia() throws {
        let root = try Self.tree([
            "/version": "NVRM version: NVIDIA UNIX x86_64 Kernel Module  535.113.01  Tue Sep 12 19:41:24 UTC 2023\nGCC version: 12\n",
            "/gpus/0000:01:00.0/information": "Model: \t\t NVIDIA GeForce GTX 1650\nIRQ: 130\nDevice Minor: \t 0\n",
        ])
        defer { Self.remove(root) }
        let pci = DeviceRecord(
            syspath: "/sys/devices/pci0000:00/0000:00:01.0/0000:01:00.0", subsystem: "pci",
            properties: ["PCI_ID": "10DE:1F82", "DRIVER": "nvidia", "PCI_SLOT_NAME": "0000:01:00.0"])
        let minor = ClassifierTests.minor("card1", parent: pci)
        let inventory = HardwareInventory(options: HardwareOptions(nvidiaProcRoot: root))
        let gpu = inventory.probe(try #require(GPUClassifier.gpus(from: [minor]).first))
        #expect(gpu.nvidia?.version == "NVRM version: NVIDIA UNIX x86_64 Kernel Module  535.113.01  Tue Sep 12 19:41:24 UTC 2023")
        #expect(gpu.acceleration == "nvidia" && gpu.workerDevice == "cuda:0" && gpu.displayName == "NVIDIA GeForce GTX 1650")

        // Without the driver's files the same GPU is listed, but not usable.
        let bare = HardwareInventory(options: HardwareOptions(nvidiaProcRoot: root + "/absent"))
            .probe(try #require(GPUClassifier.gpus(from: [minor]).first))
        #expect(bare.nvidia == nil && bare.workerDevice == nil && bare.access == .noRenderNode)
    }
}
