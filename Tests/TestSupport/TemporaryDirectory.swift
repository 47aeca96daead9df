#if canImport(Glibc)
    import Glibc
#endif

/// A fresh directory under /tmp for one test, removed with everything in it when released.
public final class TemporaryDirectory {
    public let path: String

    /// Made as `/tmp/<prefix>-XXXXXX`.
    public init(_ prefix: String = "test") {
        var template = Array("/tmp/\(prefix)-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp failed")
        path = String(cString: template.withUnsafeBufferPointer { $0.baseAddress! })
    }

    deinit {
        _ = "rm -rf '\(path)'".withCString { system($0) }
    }

    public func file(_ name: String) -> String { "\(path)/\(name)" }
}
