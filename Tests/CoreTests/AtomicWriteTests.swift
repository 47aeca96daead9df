import Core
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `FileSystem.writeAtomically` leaves the old file or the new one, never a temp file, when a step fails.
struct AtomicWriteTests {
    @Test func aFailedRenameLeavesNoTempFile() throws {
        var template = Array("/tmp/atomic-write-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        let directory = try #require(made.map { String(cString: $0) })
        defer { _ = "rm -rf '\(directory)'".withCString { system($0) } }
        // A non-empty directory where the file should go: everything works up to the rename.
        try FileSystem.makeDirectories(directory + "/target/inside")
        let error = #expect(throws: SystemError.self) { try FileSystem.writeAtomically(directory + "/target", Array("new".utf8)) }
        #expect(error?.call == "rename")
        #expect(FileSystem.list(directory) == ["target"])
        #expect(FileSystem.list(directory + "/target") == ["inside"])
    }
}
