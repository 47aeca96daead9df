import Core
import Testing

@testable import HTTP
@testable import Routes
@testable import Hardware

/// The system routes, called through a router built from `HardwareRoutes`, over this machine's real inventory.
struct HardwareRoutesTests {
    static func routes(_ inventory: HardwareInventory, jobs: JobCounts = JobCounts()) -> Router {
        Router(
            HardwareRoutes(
                inventory: inventory, workerSettings: { WorkerSettings(gpuWorkersPerGPU: 2, cpuWorkers: 3) },
                jobCounts: { jobs }
            ).routes)
    }

    static func call(_ router: Router, _ method: String, _ path: String) async throws -> (Int, JSON) {
        guard case .found(let route, let parameters) = router.match(method: method, path: path),
            case .async(let handler) = route.handler
        else {
            Issue.record("no async route for \(method) \(path)")
            return (0, .null)
        }
        let response = try await handler(Request(method: method, path: path, parameters: parameters))
        return (response.status, try JSON.decode(response.body))
    }

    @Test func statusHasTheDocumentedShape() async throws {
        let inventory = HardwareInventory(options: HardwareOptions(probeDecode: false))
        inventory.scanNow()
        let (status, body) = try await Self.call(
            Self.routes(inventory, jobs: JobCounts(running: 1, completed: 15, failed: 2)),
            "GET", "/api/system/status")
        #expect(status == 200)
        #expect(Set(body.objectValue?.keys.map { $0 } ?? []) == ["gpus", "workers", "jobs"])
        #expect(body["jobs"] == ["running": 1, "pending": 0, "completed": 15, "failed": 2])
        #expect(body["workers"]?["cpu"] == 3)
        let usable = inventory.snapshot.gpus.filter { $0.workerDevice != nil }.count
        #expect(body["workers"]?["gpu"] == JSON(2 * usable))
    }

    static func gpu(_ id: String, driver: String, decode: DecodeSupport, nvidia: NVIDIADriverInfo? = nil) -> GPU {
        GPU(
            id: id, vendor: driver == "nvidia" ? .nvidia : .intel, vendorID: nil, deviceID: nil, model: "GPU \(id)", driver: driver,
            pciSlot: id, nodes: [GPUNode(kind: .render, path: "/dev/dri/renderD\(id)", syspath: "/sys/x/\(id)")],
            access: .ok, decode: decode, nvidia: nvidia)
    }

    @Test func workersCountOnlyUsableGPUs() {
        let h264 = DecodeCapabilities(api: "vaapi", vendorString: "Intel iHD", codecs: [DecodeCodec(codec: "h264", profiles: ["Main"])])
        let gpus = [
            Self.gpu("128", driver: "i915", decode: .probed(h264)),
            Self.gpu("129", driver: "amdgpu", decode: .unavailable(reason: "vaInitialize: unknown libva error")),
            Self.gpu(
                "130", driver: "nvidia", decode: .unavailable(reason: "NVDEC"),
                nvidia: NVIDIADriverInfo(version: "NVRM 535", model: "GeForce GTX 1650", deviceMinor: 1)),
        ]
        let body = HardwareRoutes.statusDocument(
            gpus: gpus, settings: WorkerSettings(gpuWorkersPerGPU: 40, cpuWorkers: -1),
            jobs: JobCounts())
        #expect(
            body["gpus"] == [
                ["type": "vaapi", "device": "/dev/dri/renderD128", "name": "GPU 128"],
                ["type": "nvidia", "device": "cuda:1", "name": "GeForce GTX 1650"],
            ])
        // Counts are clamped to 0–32 per GPU.
        #expect(body["workers"] == ["gpu": 64, "cpu": 0])
    }

    @Test func hardwareAndRescanListTheInventory() async throws {
        let inventory = HardwareInventory(options: HardwareOptions(probeDecode: false))
        let router = Self.routes(inventory)
        let (status, body) = try await Self.call(router, "GET", "/api/system/hardware")
        #expect(status == 200)
        #expect(body["disks"]?.arrayValue?.count == inventory.snapshot.disks.count)
        #expect(body["errors"] == [])
        let (rescanStatus, rescan) = try await Self.call(router, "POST", "/api/system/rescan-gpus")
        #expect(rescanStatus == 200 && rescan["success"] == true)
        #expect(rescan["gpus"]?.arrayValue?.count == inventory.snapshot.gpus.count)
        guard case .methodNotAllowed = router.match(method: "GET", path: "/api/system/rescan-gpus") else {
            Issue.record("rescan is POST only")
            return
        }
    }
}
