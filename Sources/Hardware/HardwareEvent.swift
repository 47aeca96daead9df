public import Core

/// A change in the box's hardware, as the udev monitor saw it (pushed to WebSocket clients and alerts).
public enum HardwareEvent: Sendable, Equatable {
    case diskAdded(Disk)
    case diskChanged(Disk)
    case diskRemoved(name: String, path: String)
    case gpuAdded(GPU)
    case gpuChanged(GPU)
    case gpuRemoved(id: String, name: String)

    /// `disk_added`, `gpu_removed`, …
    public var type: String {
        switch self {
        case .diskAdded: "disk_added"
        case .diskChanged: "disk_changed"
        case .diskRemoved: "disk_removed"
        case .gpuAdded: "gpu_added"
        case .gpuChanged: "gpu_changed"
        case .gpuRemoved: "gpu_removed"
        }
    }

    public var json: JSON {
        switch self {
        case .diskAdded(let disk), .diskChanged(let disk):
            ["type": .string(type), "disk": disk.json]
        case .diskRemoved(let name, let path):
            ["type": .string(type), "disk": ["name": .string(name), "path": .string(path)]]
        case .gpuAdded(let gpu), .gpuChanged(let gpu):
            ["type": .string(type), "gpu": gpu.json]
        case .gpuRemoved(let id, let name):
            ["type": .string(type), "gpu": ["id": .string(id), "name": .string(name)]]
        }
    }
}
