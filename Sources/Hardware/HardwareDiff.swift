/// What changed between two inventories, as events. Usage and temperature drift are not changes. Pure.
enum HardwareDiff {
    static func disks(from old: [Disk], to new: [Disk]) -> [HardwareEvent] {
        let before = Dictionary(old.map { ($0.syspath, $0) }, uniquingKeysWith: { first, _ in first })
        let after = Set(new.map(\.syspath))
        var events: [HardwareEvent] = old.filter { !after.contains($0.syspath) }.map { .diskRemoved(name: $0.name, path: $0.path) }
        for disk in new {
            if let known = before[disk.syspath] {
                if identity(known) != identity(disk) { events.append(.diskChanged(disk)) }
            } else {
                events.append(.diskAdded(disk))
            }
        }
        return events
    }

    static func gpus(from old: [GPU], to new: [GPU]) -> [HardwareEvent] {
        let before = Dictionary(old.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let after = Set(new.map(\.id))
        var events: [HardwareEvent] = old.filter { !after.contains($0.id) }.map { .gpuRemoved(id: $0.id, name: $0.displayName) }
        for gpu in new {
            if let known = before[gpu.id] {
                if known != gpu { events.append(.gpuChanged(gpu)) }
            } else {
                events.append(.gpuAdded(gpu))
            }
        }
        return events
    }

    /// A disk without the values that drift while nothing is plugged or unplugged.
    static func identity(_ disk: Disk) -> Disk {
        var disk = disk
        disk.usage = nil
        disk.temperatureCelsius = nil
        for index in disk.partitions.indices { disk.partitions[index].usage = nil }
        return disk
    }
}
