import Core
import Testing

/// `applianced hardware --json` under `umockdev-run` finds exactly the disks and DRM minors that
/// `../shared/udev/expected-libudev-view.json` lists for each real machine's udev database, and nothing else.
struct RecordingTests {
    static let recordings: [String] = {
        guard let directory = TestSupport.udevRecordings,
            let bytes = try? FileSystem.read(directory + "/expected-libudev-view.json"),
            let expected = try? JSON.decode(bytes), let machines = expected.objectValue
        else { return [] }
        return machines.keys.sorted()
    }()

    static var skipReason: String? {
        if TestSupport.udevRecordings == nil { return "../shared/udev is absent" }
        if !TestSupport.hasTool("umockdev-run") { return "umockdev-run is not installed (Debian umockdev)" }
        if TestSupport.appliancedBinary == nil { return "the applianced binary is not built (swift build --build-tests)" }
        return nil
    }

    @Test(.enabled(if: skipReason == nil, "\(skipReason ?? "")"), arguments: recordings)
    func findsExactlyTheRecordedHardware(machine: String) async throws {
        let directory = try #require(TestSupport.udevRecordings)
        let binary = try #require(TestSupport.appliancedBinary)
        let expected = try #require(try JSON.decode(FileSystem.read(directory + "/expected-libudev-view.json"))[machine])

        let command =
            "timeout 120 umockdev-run --device \(TestSupport.quote("\(directory)/\(machine).umockdev")) -- "
            + "\(TestSupport.quote(binary)) hardware --json"
        let result = await TestSupport.runOffPool(command)
        #expect(result.status == 0, "exit status of \(command)")
        let inventory = try JSON.decode(Array(result.output.utf8))

        // Disks: "sdc(usb)" means a disk named sdc on the usb bus.
        var expectedDisks: [String: Bool] = [:]
        for entry in expected["disks"]?.arrayValue ?? [] {
            guard let text = entry.stringValue else { continue }
            let isUSB = text.hasSuffix("(usb)")
            expectedDisks[isUSB ? String(text.dropLast(5)) : text] = isUSB
        }
        var foundDisks: [String: Bool] = [:]
        for disk in inventory["disks"]?.arrayValue ?? [] {
            foundDisks[disk["name"]?.stringValue ?? "?"] = disk["bus"]?.stringValue == "usb"
        }
        #expect(foundDisks == expectedDisks)

        // DRM minors as "path VENDOR:DEVICE driver".
        let expectedMinors = Set((expected["drm_minors"]?.arrayValue ?? []).compactMap { $0.stringValue?.uppercased() })
        var foundMinors = Set<String>()
        for gpu in inventory["gpus"]?.arrayValue ?? [] {
            let ids = "\(gpu["vendor_id"]?.stringValue ?? "?"):\(gpu["device_id"]?.stringValue ?? "?")"
            for node in gpu["nodes"]?.arrayValue ?? [] {
                foundMinors.insert("\(node["path"]?.stringValue ?? "?") \(ids) \(gpu["driver"]?.stringValue ?? "?")".uppercased())
            }
            // Every GPU says why it cannot decode, or what it decodes: never silently dropped.
            let decode = try #require(gpu["decode"])
            #expect(decode["ok"]?.boolValue == true || decode["reason"]?.stringValue?.isEmpty == false)
        }
        #expect(foundMinors == expectedMinors)
        #expect(inventory["errors"]?.arrayValue == [])
    }
}
