#if canImport(Glibc)
import Glibc
#endif

/// A failed system call: the raw `errno`, the call that failed and the path or thing it was about.
public struct SystemError: Error, CustomStringConvertible, Sendable, Equatable {
    public let code: Int32
    public let call: String
    public let subject: String

    public init(code: Int32, call: String, subject: String = "") {
        self.code = code
        self.call = call
        self.subject = subject
    }

    public var description: String {
        let reason = String(cString: strerror(code))
        return subject.isEmpty ? "\(call): \(reason)" : "\(call) '\(subject)': \(reason)"
    }
}

/// Runs a system call, retrying on `EINTR`, and throws `SystemError` when it returns -1.
/// The call runs inside the closure so nothing can touch `errno` between the call and the read.
@discardableResult
public func retryingSyscall<I: FixedWidthInteger>(_ call: String, _ subject: String = "", _ body: () -> I) throws(SystemError) -> I {
    while true {
        let result = body()
        if result == -1 {
            let code = errno
            if code == EINTR { continue }
            throw SystemError(code: code, call: call, subject: subject)
        }
        return result
    }
}
