import Core
import MediaHelper
import MediaProtocol
import Testing
import TestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// The helper's sandbox and crash handling, proven from inside a real helper by its test modes (marker
/// files): a file outside the roots cannot be opened, `socket()` kills the helper, an allocation over the
/// budget fails the item, a crash or a CPU hog costs one item and is reaped, and the next item works.
@Suite(.enabled(if: HelperSupport.helperBuilt, "needs applianced-media built next to the tests (swift build --build-tests)"))
struct SandboxTests {
    /// Runs one thumbnails request on a fresh helper confined to `directory`; returns the failure and the pid.
    static func run(
        _ mode: String, settings: MediaHelperSettings = HelperSupport.settings()
    ) async throws -> (failure: HelperFailure?, pid: Int32, directory: String) {
        let directory = HelperSupport.temporaryDirectory("sandbox")
        try FileSystem.makeDirectories(directory + "/out")
        let marker = try HelperSupport.marker(directory, mode)
        return try await offPool {
            let helper = try MediaHelperProcess(settings: settings, policy: settings.policy(read: [directory], write: [directory + "/out"]))
            defer { helper.kill() }
            let request = ThumbnailRequest(path: marker, intervalSeconds: 10, quality: 4, output: .file(path: directory + "/out/x.bif"))
            do throws(HelperFailure) {
                if case .failed(let failure) = try helper.perform(.thumbnails(request)) { return (failure, helper.pid, directory) }
                return (nil, helper.pid, directory)
            } catch {
                return (error, helper.pid, directory)
            }
        }
    }

    @Test func openingAFileOutsideTheRootsFails() async throws {
        let (failure, pid, directory) = try await Self.run("open /etc/hostname")
        defer { HelperSupport.removeTree(directory) }
        #expect(failure == HelperFailure(.unreadable, "open '/etc/hostname': Permission denied"))
        #expect(!HelperSupport.exists(pid))
    }

    /// Only stdin, stdout, stderr and the pipe pair reach the helper, even a descriptor the daemon
    /// opened without close-on-exec.
    @Test func noOtherDescriptorCrossesOver() async throws {
        let leaky = open("/dev/null", O_RDONLY)
        defer { close(leaky) }
        let (failure, _, directory) = try await Self.run("fds")
        defer { HelperSupport.removeTree(directory) }
        #expect(failure == HelperFailure(.failed, "open fds: 0,1,2,3,4"))
    }

    @Test func socketKillsTheHelper() async throws {
        let (failure, pid, directory) = try await Self.run("socket")
        defer { HelperSupport.removeTree(directory) }
        #expect(failure == HelperFailure(.crashed, "sandbox: the decoder made a forbidden system call (signal 31)"))
        #expect(!HelperSupport.exists(pid))
    }

    @Test func aNewNamespaceKillsTheHelper() async throws {
        let (failure, pid, directory) = try await Self.run("unshare")
        defer { HelperSupport.removeTree(directory) }
        #expect(failure == HelperFailure(.crashed, "sandbox: the decoder made a forbidden system call (signal 31)"))
        #expect(!HelperSupport.exists(pid))
    }

    @Test func anAllocationOverTheBudgetFailsTheItem() async throws {
        let (failure, pid, directory) = try await Self.run("allocate")
        defer { HelperSupport.removeTree(directory) }
        #expect(failure?.kind == .memory)
        #expect(failure?.reason.hasPrefix("memory budget exceeded") == true)
        #expect(!HelperSupport.exists(pid))
    }

    @Test func aCrashIsReportedWithItsSignalAndReaped() async throws {
        let (failure, pid, directory) = try await Self.run("segv")
        defer { HelperSupport.removeTree(directory) }
        #expect(failure == HelperFailure(.crashed, "decoder crashed: signal 11"))
        #expect(!HelperSupport.exists(pid))
    }

    @Test func anItemOverItsCPUTimeHitsTheTimeLimit() async throws {
        let (failure, pid, directory) = try await Self.run("spin", settings: HelperSupport.settings(itemCPUSeconds: 1))
        defer { HelperSupport.removeTree(directory) }
        #expect(failure?.reason.hasPrefix("time limit") == true)
        #expect(!HelperSupport.exists(pid))
    }

    /// Without the daemon's `--test-modes` a marker is just a file that is not media.
    @Test func testModesNeedTheDaemonsSwitch() async throws {
        let (failure, _, directory) = try await Self.run("segv", settings: HelperSupport.settings(testModes: false))
        defer { HelperSupport.removeTree(directory) }
        #expect(failure?.kind == .unreadable)
        #expect(failure?.reason.contains("Invalid data") == true)
    }

    /// A worker's session replaces a crashed helper: the next item gets a new one and completes.
    @Test(.enabled(if: TestClips.available, "needs ffmpeg"))
    func aWorkerSessionGoesOnAfterACrash() async throws {
        let clip = try await TestClips.path(.h264)
        let directory = HelperSupport.temporaryDirectory("session")
        defer { HelperSupport.removeTree(directory) }
        try FileSystem.makeDirectories(directory + "/out")
        let crash = try HelperSupport.marker(directory, "segv")
        let settings = HelperSupport.settings()
        let policy = settings.policy(read: [directory, FileSystem.parentDirectory(of: clip)], write: [directory + "/out"])
        let outcomes = try await offPool { () -> [String] in
            let session = MediaWorkerSession()
            defer { session.end() }
            return [crash, clip, clip].enumerated().map { index, path in
                let request = ThumbnailRequest(path: path, intervalSeconds: 2, quality: 4, output: .file(path: directory + "/out/\(index).bif"))
                do throws(HelperFailure) {
                    let reply = try session.perform(
                        .thumbnails(request), settings: settings, policy: policy, cancellation: CancellationFlag()) { _, _ in true }
                    if case .thumbnails(let summary) = reply { return "frames \(summary.frames)" }
                    return "\(reply)"
                } catch {
                    return error.reason
                }
            }
        }
        #expect(outcomes == ["decoder crashed: signal 11", "frames 4", "frames 4"])
        #expect(FileSystem.exists(directory + "/out/2.bif"))
        #expect(HelperSupport.helpers(mentioning: directory).isEmpty)
    }

    @Test func aHelperThatCannotStartSaysWhy() async throws {
        var settings = HelperSupport.settings()
        settings.executable = "/nonexistent/applianced-media"
        #expect(throws: HelperFailure(.crashed, "cannot start the media helper '/nonexistent/applianced-media': No such file or directory")) {
            _ = try MediaHelperProcess(settings: settings, policy: settings.policy(read: [], write: []))
        }
    }
}
