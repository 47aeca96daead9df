#if canImport(Glibc)
    import Glibc
#endif

/// A fresh directory under /tmp for one test, removed with everything in it when released.
final class TemporaryDirectory {
    let path: String

    init() {
        var template = Array("/tmp/monitor-test-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp failed")
        path = String(cString: template.withUnsafeBufferPointer { $0.baseAddress! })
    }

    deinit {
        _ = "rm -rf '\(path)'".withCString { system($0) }
    }
}
