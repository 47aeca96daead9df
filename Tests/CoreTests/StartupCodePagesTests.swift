import Core
import Testing

@Suite struct StartupCodePagesTests {
    /// In the test binary's `.data` (not zero, so not `.bss`): a file page this process writes, which the
    /// release must keep.
    nonisolated(unsafe) static var written = 7

    static let smaps = """
        55d0a0000000-55d0a0400000 r--p 00000000 08:01 1234 /usr/bin/applianced
        Size:               4096 kB
        Rss:                 512 kB
        Private_Dirty:         0 kB
        Anonymous:             0 kB
        55d0a0400000-55d0a1400000 r-xp 00400000 08:01 1234 /usr/bin/applianced
        Size:              16384 kB
        Rss:                9600 kB
        Private_Dirty:         0 kB
        Anonymous:             0 kB
        55d0a1400000-55d0a1500000 r-xp 01400000 08:01 1234 /usr/bin/applianced
        Rss:                  64 kB
        Private_Dirty:         8 kB
        Anonymous:             8 kB
        55d0a1500000-55d0a1600000 rw-p 01500000 08:01 1234 /usr/bin/applianced
        Rss:                  64 kB
        Private_Dirty:         0 kB
        Anonymous:             0 kB
        7f0000000000-7f0000100000 r-xp 00000000 08:01 99 /usr/lib/libsqlite3.so.0
        Rss:                 700 kB
        Private_Dirty:         0 kB
        7f0000200000-7f0000300000 r--p 00000000 00:01 5 /memfd:cache (deleted)
        Rss:                   8 kB
        7f0000300000-7f0000400000 r--p 00000000 08:01 6 /var/lib/old.so (deleted)
        Rss:                   8 kB
        7f0000400000-7f0000500000 r--s 00000000 00:05 7 /dev/dri/renderD128
        Rss:                   4 kB
        7f0000500000-7f0000600000 r--s 00000000 08:01 8 /var/lib/applianced/state.db-shm
        Rss:                   4 kB
        7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0 [stack]
        Rss:                  20 kB
        7ffd10000000-7ffd10002000 r-xp 00000000 00:00 0 [vdso]
        Rss:                   8 kB
        """

    @Test func onlyTheExecutablesUnwrittenReadOnlyMappingsAreReleasable() {
        let mappings = StartupCodePages.mappings(Self.smaps, of: "/usr/bin/applianced")
        #expect(mappings.count == 4)
        let releasable = mappings.filter { $0.isReadOnly && $0.untouchedByWrites }
        #expect(releasable.map(\.start) == [0x55d0_a000_0000, 0x55d0_a040_0000])
        #expect(releasable.last?.end == 0x55d0_a140_0000)
        #expect(releasable.last?.resident == 9600 * 1024)
        // Written (relocated) and writable mappings stay.
        #expect(!mappings[2].untouchedByWrites)
        #expect(!mappings[3].isReadOnly)
    }

    /// The libraries' clean read-only pages go as well; a deleted file, a memfd, a device, a shared
    /// mapping and the kernel's own (`[vdso]`) stay.
    @Test func librariesUnwrittenReadOnlyMappingsAreReleasableToo() {
        let releasable = StartupCodePages.releasable(Self.smaps)
        #expect(releasable.map(\.start) == [0x55d0_a000_0000, 0x55d0_a040_0000, 0x7f00_0000_0000])
        #expect(releasable.last?.resident == 700 * 1024)
    }

    @Test func writableMappingsWithCleanPagesArePagedOut() {
        let reclaimable = StartupCodePages.reclaimable(Self.smaps)
        #expect(reclaimable.map(\.start) == [0x55d0_a150_0000])
    }

    /// On this test process itself: what it releases is at most the size of its own and its libraries'
    /// file mappings, it keeps what it wrote, and it goes on running the code it needs. The release build's effect is measured by
    /// `bench/idle-memory.sh` (`docs/performance.md`, "Process split").
    @Test func releasingTheCodeOfARunningProcessKeepsItRunning() throws {
        let path = try #require(FileSystem.executablePath())
        let smaps = try FileSystem.readText("/proc/self/smaps")
        let code = StartupCodePages.mappings(smaps, of: path).filter(\.isReadOnly)
        #expect(!code.isEmpty)
        let libraries = StartupCodePages.releasable(smaps).filter { mapping in !code.contains { $0.start == mapping.start } }
        #expect(!libraries.isEmpty)
        Self.written = 42
        let released = StartupCodePages.release()
        #expect(Self.written == 42, "a written data page was dropped")
        // Bounded by the mappings' size, not by the resident figure read above: the test process's other
        // threads fault in more of the code between that read and the release (and may load a library).
        let after = try FileSystem.readText("/proc/self/smaps")
        var sizes: [UInt: Int] = [:]
        for mapping in StartupCodePages.fileMappings(smaps) + StartupCodePages.fileMappings(after) {
            sizes[mapping.start] = Int(mapping.end - mapping.start)
        }
        #expect(released <= sizes.values.reduce(0, +))
        // Code runs again (faulted back in from the page cache).
        #expect(StartupCodePages.mappings(Self.smaps, of: "/usr/bin/applianced").count == 4)
    }
}

