/// A confinement step that failed: the call, its raw code and what it was about. The helper refuses
/// to take work when any step fails (Landlock missing from the kernel is a note, not an error).
public struct SandboxError: Error, CustomStringConvertible, Sendable {
    public let call: String
    public let code: Int32
    public let subject: String

    public init(call: String, code: Int32, subject: String = "") {
        self.call = call
        self.code = code
        self.subject = subject
    }

    public var description: String {
        let reason = code < 0 ? "error \(code)" : String(cString: strerror(code))
        return subject.isEmpty ? "\(call): \(reason)" : "\(call) '\(subject)': \(reason)"
    }
}

#if canImport(Glibc)
    import Glibc
#endif
