/// What libudev said about one device, copied out of the C objects: the pure classifiers work on these,
/// so tests can feed them devices with missing or odd properties.
struct DeviceRecord: Sendable, Equatable {
    /// `/sys/devices/…` path; the identity of the device.
    var syspath: String
    /// Last path component (`sda`, `renderD128`).
    var sysname: String
    var subsystem: String?
    var devtype: String?
    /// `/dev/…`, when the device has a node.
    var devnode: String?
    /// Major and minor number (`8:0`), when the device has a node.
    var devnum: String?
    /// The udev properties (`ID_VENDOR_ID`, `DEVNAME`, …).
    var properties: [String: String]
    /// A few sysfs attributes read as a fallback (`size`, `queue/rotational`, `removable`).
    var attributes: [String: String] = [:]
    /// Parents, nearest first, each without parents of its own.
    var ancestors: [DeviceRecord] = []

    init(
        syspath: String, subsystem: String?, devtype: String? = nil, devnode: String? = nil, devnum: String? = nil,
        properties: [String: String] = [:], attributes: [String: String] = [:], ancestors: [DeviceRecord] = []
    ) {
        self.syspath = syspath
        self.sysname = syspath.split(separator: "/").last.map(String.init) ?? syspath
        self.subsystem = subsystem
        self.devtype = devtype
        self.devnode = devnode
        self.devnum = devnum
        self.properties = properties
        self.attributes = attributes
        self.ancestors = ancestors
    }

    /// A non-empty property of this device.
    func property(_ name: String) -> String? {
        guard let value = properties[name]?.trimmed, !value.isEmpty else { return nil }
        return value
    }

    /// The first non-empty value of `name` on this device or its nearest ancestor that has it.
    func inherited(_ name: String) -> String? {
        property(name) ?? ancestors.lazy.compactMap { $0.property(name) }.first
    }

    /// A non-empty sysfs attribute.
    func attribute(_ name: String) -> String? {
        guard let value = attributes[name]?.trimmed, !value.isEmpty else { return nil }
        return value
    }

    /// The nearest ancestor in `subsystem`.
    func ancestor(in subsystem: String) -> DeviceRecord? {
        ancestors.first { $0.subsystem == subsystem }
    }

    /// The device itself and its parents' subsystems, nearest first.
    var subsystemChain: [String] {
        ([subsystem] + ancestors.map(\.subsystem)).compactMap { $0 }
    }
}

extension String {
    var trimmed: String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace || first == "\0" { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace || last == "\0" { scalars.removeLast() }
        return String(scalars)
    }
}
