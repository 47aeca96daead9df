import Core
import Testing

@Suite struct StartupCodePagesTests {
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
        7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0 [stack]
        Rss:                  20 kB
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

    /// On this test process itself: what it releases is at most its code's size, none of a
    /// written mapping (a debug build's text carries relocations, so there it releases nothing), and it
    /// goes on running the code it needs. The release build's effect is measured by
    /// `bench/idle-memory.sh` (`docs/performance.md`, "Process split").
    @Test func releasingTheCodeOfARunningProcessKeepsItRunning() throws {
        let path = try #require(FileSystem.executablePath())
        let code = StartupCodePages.mappings(try FileSystem.readText("/proc/self/smaps"), of: path).filter(\.isReadOnly)
        #expect(!code.isEmpty)
        let released = StartupCodePages.release()
        // Bounded by the mappings' size, not by the resident figure read above: the test process's other
        // threads fault in more of the code between that read and the release.
        #expect(released <= code.map { Int($0.end - $0.start) }.reduce(0, +))
        if code.allSatisfy({ !$0.untouchedByWrites }) { #expect(released == 0) }
        // Code runs again (faulted back in from the page cache).
        #expect(StartupCodePages.mappings(Self.smaps, of: "/usr/bin/applianced").count == 4)
    }
}

