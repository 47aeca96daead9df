/// Captured `/proc` and `/sys` text under `Tests/Fixtures/monitor`, found from this file's path.
enum Fixture {
    static let directory: String = {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(2)
        return parts.joined(separator: "/") + "/Fixtures/monitor"
    }()
}

extension Fixture {
    /// A captured tree: `proc/` and `sys/class/{thermal,hwmon}` of a small box.
    static var root: String { directory + "/root" }
}
