import Core

#if canImport(Glibc)
    import Glibc
#endif

/// The small reads of the running host the classifiers need: can we open a node, how full is a
/// filesystem, how hot is a disk.
enum HostProbes {
    /// Opens the node read-write the way VA-API will; on failure names the group that owns it.
    static func access(node: String) -> NodeAccess {
        let fd = open(node, O_RDWR | O_CLOEXEC | O_NOCTTY)
        if fd >= 0 {
            close(fd)
            return .ok
        }
        let code = errno
        switch code {
        case EACCES, EPERM:
            return .denied(group: groupName(of: node))
        case ENOENT:
            return .unavailable(reason: "'\(node)' does not exist here (is /dev/dri passed into the container?)")
        default:
            return .unavailable(reason: SystemError(code: code, call: "open", subject: node).description)
        }
    }

    /// The name of the group owning `path` (`render`, `video`), or `gid N` when it has no name.
    static func groupName(of path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        var group = group()
        var result: UnsafeMutablePointer<group>?
        var buffer = [CChar](repeating: 0, count: 4096)
        let status = getgrgid_r(info.st_gid, &group, &buffer, buffer.count, &result)
        guard status == 0, result != nil, let name = group.gr_name else { return "gid \(info.st_gid)" }
        return String(cString: name)
    }

    /// `statvfs` of a mount point, or nil when it cannot be read.
    static func usage(mountPoint: String) -> DiskUsage? {
        var info = statvfs()
        guard statvfs(mountPoint, &info) == 0 else { return nil }
        let unit = UInt64(info.f_frsize == 0 ? info.f_bsize : info.f_frsize)
        let total = UInt64(info.f_blocks).multipliedReportingOverflow(by: unit)
        let free = UInt64(info.f_bfree).multipliedReportingOverflow(by: unit)
        let available = UInt64(info.f_bavail).multipliedReportingOverflow(by: unit)
        guard !total.overflow, !free.overflow, !available.overflow, total.partialValue >= free.partialValue else { return nil }
        return DiskUsage(
            totalBytes: total.partialValue, usedBytes: total.partialValue - free.partialValue,
            availableBytes: available.partialValue)
    }

    /// The disk's hwmon temperature in °C: `drivetemp` sits under the SCSI device
    /// (`…/block/sda/device/hwmon/hwmonN`), `nvme` under the controller (`…/nvme/nvme0/hwmonN`).
    static func temperature(_ record: DeviceRecord) -> Double? {
        var directories = ["\(record.syspath)/device/hwmon", "\(record.syspath)/device"]
        if let controller = record.ancestor(in: "nvme") {
            directories += [controller.syspath, "\(controller.syspath)/device/hwmon"]
        }
        for directory in directories {
            for name in FileSystem.list(directory) where name.hasPrefix("hwmon") {
                if let text = FileSystem.readIfPresent("\(directory)/\(name)/temp1_input"),
                    let millidegrees = Int(text.trimmed), (-40_000...150_000).contains(millidegrees)
                {
                    return Double(millidegrees) / 1000
                }
            }
        }
        return nil
    }

    static func mountTable(path: String) -> [MountEntry] {
        FileSystem.readIfPresent(path).map(MountTable.parse) ?? []
    }
}
