import Core
import Synchronization
import Testing

@testable import Hardware

#if canImport(Glibc)
    import Glibc
#endif

/// The adapters against this machine's real libudev, /proc and /dev.
struct HostTests {
    static var lsblkSkip: String? {
        if !TestSupport.hasTool("lsblk") { return "lsblk is not installed" }
        if !FileSystem.isDirectory("/sys/class/block") { return "no /sys/class/block here" }
        return nil
    }

    @Test(.enabled(if: lsblkSkip == nil, "\(lsblkSkip ?? "")"))
    func wholeDisksMatchLsblk() throws {
        let result = TestSupport.run("lsblk --json --bytes --nodeps --output NAME,TYPE,SIZE")
        try #require(result.status == 0)
        let listed = try JSON.decode(Array(result.output.utf8))
        var expected: [String: Int64] = [:]
        for device in listed["blockdevices"]?.arrayValue ?? [] {
            guard device["type"] == "disk", let name = device["name"]?.stringValue, !DiskClassifier.isVirtual(name) else { continue }
            expected[name] = device["size"]?.intValue ?? Int64(device["size"]?.stringValue ?? "") ?? -1
        }
        let snapshot = HardwareInventory(options: HardwareOptions(probeDecode: false)).scanNow()
        #expect(snapshot.errors.isEmpty)
        var found: [String: Int64] = [:]
        for disk in snapshot.disks { found[disk.name] = disk.sizeBytes.map { Int64($0) } ?? -1 }
        #expect(found == expected)
    }

    @Test func vanishedDeviceBetweenEnumerationAndReadIsLeftOut() throws {
        let session = try UdevSession()
        let real = try session.syspaths(subsystem: "block")
        let records = session.records(syspaths: ["/sys/devices/virtual/block/vanished0"] + real)
        #expect(records.count == real.count)
        #expect(!records.contains { $0.sysname == "vanished0" })
    }

    @Test func missingRenderNodeIsListedWithAReason() {
        let gpu = GPUClassifier.gpus(from: [
            ClassifierTests.minor(
                "renderD200", parent: ClassifierTests.intelPCI,
                properties: ["DEVNAME": "/nonexistent/dri/renderD200"])
        ])
        let probed = HardwareInventory().probe(gpu[0])
        guard case .unavailable(let reason) = probed.access else {
            Issue.record("expected the missing node to be unavailable, got \(probed.access)")
            return
        }
        #expect(reason.contains("does not exist"))
        #expect(probed.decode == .unavailable(reason: reason) && probed.acceleration == nil && probed.workerDevice == nil)
        #expect(probed.json["access"]?["ok"] == false)
    }

    @Test func deniedRenderNodeNamesTheGroupToJoin() {
        var gpu = GPUClassifier.gpus(from: [ClassifierTests.minor("renderD128", parent: ClassifierTests.intelPCI)])[0]
        gpu.access = .denied(group: "render")
        #expect(
            gpu.json["access"] == [
                "ok": false, "group": "render",
                "reason": "permission denied: add the daemon's user to the 'render' group",
            ])
        #expect(HostProbes.groupName(of: "/") == "root")
    }

    /// The decode probe runs in the media helper: the inventory asks the injected probe, names the
    /// profiles it reports, and keeps a reason when there is none.
    @Test func decodeSupportNamesTheProfilesVAAPIReports() {
        #expect(
            DecodeSupport.vaapi(vendorString: "Intel iHD", decodableProfiles: [6, 17])
                == .probed(
                    DecodeCapabilities(
                        api: "vaapi", vendorString: "Intel iHD",
                        codecs: [DecodeCodec(codec: "h264", profiles: ["Main"]), DecodeCodec(codec: "hevc", profiles: ["Main"])])))
    }

    @Test func scanPublishesEventsToStreamsAndSubscribers() async throws {
        let inventory = HardwareInventory(options: HardwareOptions(probeDecode: false))
        let stream = inventory.events()
        let received = Mutex<[String]>([])
        let subscription = inventory.subscribe { event in received.withLock { $0.append(event.type) } }
        let snapshot = await inventory.scan()
        try #require(!snapshot.disks.isEmpty, "this machine has at least one disk")
        var iterator = stream.makeAsyncIterator()
        let first = await iterator.next()
        guard case .diskAdded(let disk) = first else {
            Issue.record("expected disk_added first, got \(String(describing: first))")
            return
        }
        #expect(snapshot.disks.contains(disk))
        #expect(received.withLock { $0 }.filter { $0 == "disk_added" }.count == snapshot.disks.count)

        // A second scan with nothing plugged changes nothing; a cancelled subscription hears nothing more.
        subscription.cancel()
        received.withLock { $0 = [] }
        _ = await inventory.refreshDisks()
        _ = inventory.scanNow()
        #expect(received.withLock { $0 }.isEmpty)
    }

    @Test func monitorStartsAndStops() throws {
        let monitor = HardwareMonitor(inventory: HardwareInventory(options: HardwareOptions(probeDecode: false)))
        try monitor.start()
        monitor.stop()
        monitor.stop()
    }
}
