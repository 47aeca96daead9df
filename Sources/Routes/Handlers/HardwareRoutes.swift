public import HTTP
import Core
public import Hardware

/// Configured worker counts, as the composition root reads them from the config.
public struct WorkerSettings: Sendable, Equatable {
    /// Workers per usable GPU (`[workers]`), 0–32.
    public var gpuWorkersPerGPU: Int
    /// CPU workers, 0–32.
    public var cpuWorkers: Int

    public init(gpuWorkersPerGPU: Int, cpuWorkers: Int) {
        self.gpuWorkersPerGPU = gpuWorkersPerGPU
        self.cpuWorkers = cpuWorkers
    }
}

/// Job totals by state, as the job store counts them.
public struct JobCounts: Sendable, Equatable {
    public var running: Int
    public var pending: Int
    public var completed: Int
    public var failed: Int

    public init(running: Int = 0, pending: Int = 0, completed: Int = 0, failed: Int = 0) {
        self.running = running
        self.pending = pending
        self.completed = completed
        self.failed = failed
    }
}

/// `/api/system/status` (000), `/api/system/hardware` and `/api/system/rescan-gpus`: what the box has and
/// how many workers it runs on it.
public struct HardwareRoutes: RouteProvider {
    let inventory: HardwareInventory
    let workerSettings: @Sendable () -> WorkerSettings
    let jobCounts: @Sendable () async throws -> JobCounts

    public init(
        inventory: HardwareInventory, workerSettings: @escaping @Sendable () -> WorkerSettings,
        jobCounts: @escaping @Sendable () async throws -> JobCounts
    ) {
        self.inventory = inventory
        self.workerSettings = workerSettings
        self.jobCounts = jobCounts
    }

    public var routes: [Route] {
        [
            .get(
                "/api/system/status", .setup,
                RouteDoc(
                    "GPUs, worker counts and job totals", tag: "system",
                    response: [
                        "gpus": [["type": "vaapi", "device": "/dev/dri/renderD128", "name": "Intel UHD Graphics"]],
                        "workers": ["gpu": 4, "cpu": 2],
                        "jobs": ["running": 1, "pending": 0, "completed": 15, "failed": 2],
                    ],
                    responseSchema: .object([
                        "gpus": .array(.object(["type": .nullable(.string), "device": .nullable(.string), "name": .string])),
                        "workers": .object(["gpu": .integer, "cpu": .integer]),
                        "jobs": .object(["running": .integer, "pending": .integer, "completed": .integer, "failed": .integer]),
                    ]))
            ) { _ in try await status() },
            .get(
                "/api/system/hardware", .permission("system:read"),
                RouteDoc(
                    "GPUs with decode capabilities and disks with partitions, usage and temperature", tag: "system",
                    response: ["gpus": [], "disks": [], "errors": []],
                    responseSchema: .object(["gpus": .array(Self.gpuSchema), "disks": .array(.anyObject), "errors": .array(.string)])
                )
            ) { _ in await hardware() },
            .post(
                "/api/system/rescan-gpus", .permission("system:write"),
                RouteDoc(
                    "Enumerate GPUs again and probe what each decodes", tag: "system",
                    response: ["success": true, "gpus": []], responseSchema: .success(["gpus": .array(Self.gpuSchema)])
                )
            ) { _ in await rescanGPUs() },
        ]
    }

    func status() async throws -> Response {
        .json(Self.statusDocument(gpus: inventory.snapshot.gpus, settings: workerSettings(), jobs: try await jobCounts()))
    }

    /// 000's shape: usable GPUs only (those a worker can open and decode on); GPU workers = per-GPU × usable.
    static func statusDocument(gpus: [GPU], settings: WorkerSettings, jobs: JobCounts) -> JSON {
        let usable = gpus.filter { $0.workerDevice != nil }
        return [
            "gpus": .array(
                usable.map { gpu in
                    ["type": JSON(gpu.acceleration), "device": JSON(gpu.workerDevice), "name": .string(gpu.displayName)]
                }),
            "workers": [
                "gpu": JSON(clampWorkers(settings.gpuWorkersPerGPU) * usable.count),
                "cpu": JSON(clampWorkers(settings.cpuWorkers)),
            ],
            "jobs": [
                "running": JSON(jobs.running), "pending": JSON(jobs.pending),
                "completed": JSON(jobs.completed), "failed": JSON(jobs.failed),
            ],
        ]
    }

    /// Disks are re-read (mounts, usage, temperature drift without uevents); GPUs come from the inventory.
    func hardware() async -> Response {
        _ = await inventory.refreshDisks()
        return .json(inventory.snapshot.json)
    }

    func rescanGPUs() async -> Response {
        let gpus = await inventory.rescanGPUs()
        return .success(["gpus": .array(gpus.map(\.json))])
    }

    /// One GPU as the inventory describes it (identity always; the rest as far as the box shows it).
    static let gpuSchema = Schema.object(
        ["id": .string, "name": .string, "vendor": .string, "nodes": .array(.object(["kind": .string, "path": .string]))],
        optional: [
            "render_node": .nullable(.string), "worker_device": .nullable(.string), "acceleration": .nullable(.string),
            "access": .anyObject, "decode": .any,
        ])

    static func clampWorkers(_ count: Int) -> Int { min(max(count, 0), 32) }
}
