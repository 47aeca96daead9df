import Core
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A disk and a GPU appear and disappear on a umockdev testbed while `applianced hardware --watch --json`
/// runs its udev monitor; each change shows in the event stream and in the inventory printed with it.
struct HotPlugTests {
    static var skipReason: String? {
        if !TestSupport.hasTool("umockdev-wrapper") { return "umockdev-wrapper is not installed (Debian umockdev)" }
        if TestSupport.run("pkg-config --exists umockdev-1.0").status != 0 {
            return "libumockdev-dev is not installed (Debian libumockdev-dev)"
        }
        if !TestSupport.hasTool("cc") { return "no C compiler (cc)" }
        if TestSupport.appliancedBinary == nil { return "the applianced binary is not built (swift build --build-tests)" }
        return nil
    }

    @Test(.enabled(if: skipReason == nil, "\(skipReason ?? "")"))
    func inventoryAndEventsFollowHotPlug() async throws {
        let binary = try #require(TestSupport.appliancedBinary)
        let directory = "/tmp/hardware-tests-\(getpid())"
        try FileSystem.makeDirectories(directory)
        defer { _ = TestSupport.run("rm -rf \(TestSupport.quote(directory))") }
        let helper = directory + "/hotplug"
        let source = TestSupport.repoRoot + "/Tests/HardwareTests/Fixtures/hotplug.c"
        let compiled = await TestSupport.runOffPool(
            "cc -o \(TestSupport.quote(helper)) \(TestSupport.quote(source)) $(pkg-config --cflags --libs umockdev-1.0)")
        try #require(compiled.status == 0, "compiling the hot-plug helper")

        let result = await TestSupport.runOffPool("timeout 300 umockdev-wrapper \(TestSupport.quote(helper)) \(TestSupport.quote(binary))")
        #expect(result.status == 0, "the helper saw every event before its timeout")
        let lines = try result.output.split(separator: "\n").filter { $0.hasPrefix("LINE ") }.map {
            try JSON.decode(Array($0.dropFirst(5).utf8))
        }
        func diskNames(_ line: JSON) -> [String] {
            (line["inventory"]?["disks"]?.arrayValue ?? []).compactMap { $0["name"]?.stringValue }
        }
        func gpuIDs(_ line: JSON) -> [String] {
            (line["inventory"]?["gpus"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
        }
        try #require(lines.count == 5)
        #expect(lines[0]["event"] == JSON.null && diskNames(lines[0]).isEmpty)

        #expect(lines[1]["event"]?["type"] == "disk_added")
        let added = try #require(lines[1]["event"]?["disk"])
        #expect(added["name"] == "sdz" && added["bus"] == "usb" && added["model"] == "Hotplug Stick")
        #expect(added["size_bytes"] == 1_048_576 && added["removable"] == true && added["serial"] == "HP0001")
        #expect(diskNames(lines[1]) == ["sdz"])

        #expect(lines[2]["event"] == ["type": "disk_removed", "disk": ["name": "sdz", "path": "/dev/sdz"]])
        #expect(diskNames(lines[2]).isEmpty)

        #expect(lines[3]["event"]?["type"] == "gpu_added")
        let gpu = try #require(lines[3]["event"]?["gpu"])
        #expect(gpu["vendor"] == "intel" && gpu["vendor_id"] == "8086" && gpu["device_id"] == "46D1" && gpu["driver"] == "i915")
        #expect(gpu["render_node"] == "/dev/dri/renderD128")
        // The testbed has no /dev node for it: listed, with the reason.
        #expect(gpu["access"]?["ok"] == false && gpu["access"]?["reason"]?.stringValue?.contains("does not exist") == true)
        #expect(gpuIDs(lines[3]) == ["0000:00:02.0"])

        #expect(lines[4]["event"]?["type"] == "gpu_removed")
        #expect(gpuIDs(lines[4]).isEmpty)
    }
}
