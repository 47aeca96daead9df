internal import CUdev

#if canImport(Glibc)
    import Glibc
#endif

/// A failed libudev call: which call, the errno it left, and what it was about.
public struct HardwareError: Error, CustomStringConvertible, Sendable, Equatable {
    public let call: String
    public let code: Int32
    public let subject: String

    public var description: String {
        let reason = code == 0 ? "failed" : String(cString: strerror(code))
        return subject.isEmpty ? "\(call): \(reason)" : "\(call) '\(subject)': \(reason)"
    }
}

/// One libudev context. libudev objects are not thread-safe, so each scan and the monitor thread make
/// their own; a session never crosses threads.
final class UdevSession {
    let handle: OpaquePointer

    init() throws(HardwareError) {
        guard let handle = udev_new() else { throw HardwareError(call: "udev_new", code: errno, subject: "") }
        self.handle = handle
    }

    deinit { udev_unref(handle) }

    /// sysfs attributes read as a fallback where udev has no property.
    static func attributeNames(subsystem: String?) -> [String] {
        switch subsystem {
        case "block": ["size", "queue/rotational", "removable", "partition", "device/model", "device/serial"]
        case "pci", "platform": ["vendor", "device"]
        default: []
        }
    }

    /// Every device of `subsystem`, read into records. A device that vanished between enumeration and
    /// read is left out (it is gone; the monitor reports its removal).
    func records(subsystem: String) throws(HardwareError) -> [DeviceRecord] {
        records(syspaths: try syspaths(subsystem: subsystem))
    }

    func syspaths(subsystem: String) throws(HardwareError) -> [String] {
        guard let enumerate = udev_enumerate_new(handle) else {
            throw HardwareError(call: "udev_enumerate_new", code: errno, subject: subsystem)
        }
        defer { udev_enumerate_unref(enumerate) }
        var status = udev_enumerate_add_match_subsystem(enumerate, subsystem)
        if status < 0 { throw HardwareError(call: "udev_enumerate_add_match_subsystem", code: -status, subject: subsystem) }
        status = udev_enumerate_scan_devices(enumerate)
        if status < 0 { throw HardwareError(call: "udev_enumerate_scan_devices", code: -status, subject: subsystem) }
        var paths: [String] = []
        var entry = udev_enumerate_get_list_entry(enumerate)
        while let current = entry {
            if let name = udev_list_entry_get_name(current) { paths.append(String(cString: name)) }
            entry = udev_list_entry_get_next(current)
        }
        return paths
    }

    func records(syspaths: [String]) -> [DeviceRecord] {
        syspaths.compactMap(record(syspath:))
    }

    /// The device at `syspath`, or nil when it no longer exists.
    func record(syspath: String) -> DeviceRecord? {
        guard let device = udev_device_new_from_syspath(handle, syspath) else { return nil }
        defer { udev_device_unref(device) }
        return Self.record(device)
    }

    /// Copies a device and its parents out of libudev. The parents are borrowed from `device`.
    static func record(_ device: OpaquePointer) -> DeviceRecord {
        var record = shallowRecord(device)
        var parent = udev_device_get_parent(device)
        var depth = 0
        while let current = parent, depth < 16 {
            record.ancestors.append(shallowRecord(current))
            parent = udev_device_get_parent(current)
            depth += 1
        }
        return record
    }

    private static func shallowRecord(_ device: OpaquePointer) -> DeviceRecord {
        let subsystem = string(udev_device_get_subsystem(device))
        var properties: [String: String] = [:]
        var entry = udev_device_get_properties_list_entry(device)
        while let current = entry, properties.count < 512 {
            if let name = udev_list_entry_get_name(current) {
                properties[String(cString: name)] = string(udev_list_entry_get_value(current)) ?? ""
            }
            entry = udev_list_entry_get_next(current)
        }
        var attributes: [String: String] = [:]
        for name in attributeNames(subsystem: subsystem) {
            if let value = string(udev_device_get_sysattr_value(device, name)) { attributes[name] = value }
        }
        if let driver = string(udev_device_get_driver(device)) { attributes["driver"] = driver }
        var devnum: String?
        if let major = properties["MAJOR"], let minor = properties["MINOR"], !major.isEmpty, !minor.isEmpty {
            devnum = "\(major):\(minor)"
        } else {
            let number = udev_device_get_devnum(device)
            if number != 0 { devnum = "\(gnu_dev_major(number)):\(gnu_dev_minor(number))" }
        }
        return DeviceRecord(
            syspath: string(udev_device_get_syspath(device)) ?? "",
            subsystem: subsystem,
            devtype: string(udev_device_get_devtype(device)),
            devnode: string(udev_device_get_devnode(device)),
            devnum: devnum,
            properties: properties,
            attributes: attributes
        )
    }

    private static func string(_ pointer: UnsafePointer<CChar>?) -> String? {
        pointer.map { String(cString: $0) }
    }
}

/// A netlink udev monitor for `drm` and `block`, owned by the monitor thread.
final class UdevEventSource {
    private let session: UdevSession
    private let monitor: OpaquePointer
    let fd: Int32

    init(subsystems: [String]) throws(HardwareError) {
        session = try UdevSession()
        guard let monitor = udev_monitor_new_from_netlink(session.handle, "udev") else {
            throw HardwareError(call: "udev_monitor_new_from_netlink", code: errno, subject: "udev")
        }
        self.monitor = monitor
        for subsystem in subsystems {
            let status = udev_monitor_filter_add_match_subsystem_devtype(monitor, subsystem, nil)
            if status < 0 {
                udev_monitor_unref(monitor)
                throw HardwareError(call: "udev_monitor_filter_add_match_subsystem_devtype", code: -status, subject: subsystem)
            }
        }
        let status = udev_monitor_enable_receiving(monitor)
        if status < 0 {
            udev_monitor_unref(monitor)
            throw HardwareError(call: "udev_monitor_enable_receiving", code: -status, subject: "udev")
        }
        fd = udev_monitor_get_fd(monitor)
    }

    deinit { udev_monitor_unref(monitor) }

    /// The next queued event (call when `fd` is readable), or nil when none could be read.
    func receive() -> (action: String, record: DeviceRecord)? {
        guard let device = udev_monitor_receive_device(monitor) else { return nil }
        defer { udev_device_unref(device) }
        let action = udev_device_get_action(device).map { String(cString: $0) } ?? "change"
        return (action, UdevSession.record(device))
    }

    /// A fresh session for rescans on the monitor thread.
    var scanSession: UdevSession { session }
}
