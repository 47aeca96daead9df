public import MediaProtocol

#if canImport(Glibc)
    import Glibc
#endif

/// The reason a job item records when its helper ended without answering: the signal or status, read
/// the way a user can act on (a crash, a limit, a sandbox refusal).
public enum HelperExit {
    /// `peakDataKilobytes`: the helper's largest `VmData` the daemon saw (what `RLIMIT_DATA` bounds).
    public static func failure(status: Int32, peakDataKilobytes: Int, memoryMB: Int) -> HelperFailure {
        let signal = status & 0x7f
        guard signal != 0 else {
            switch (status >> 8) & 0xff {
            case 0: return HelperFailure(.crashed, "media helper exited before answering")
            case 2: return HelperFailure(.crashed, "media helper refused its command line (see the log)")
            case 3: return HelperFailure(.crashed, "media helper could not confine itself (see the log)")
            case let code: return HelperFailure(.crashed, "media helper exited with status \(code)")
            }
        }
        switch signal {
        case SIGXCPU:
            return HelperFailure(.crashed, "time limit: the item used more CPU time than limits.worker_item_cpu_s")
        case SIGSYS:
            return HelperFailure(.crashed, "sandbox: the decoder made a forbidden system call (signal \(signal))")
        case SIGKILL:
            return HelperFailure(.crashed, "media helper killed: signal 9")
        default:
            // A runtime that cannot allocate aborts or faults: near the budget, that is the budget.
            if peakDataKilobytes >= memoryMB * 1024 * 9 / 10 {
                return HelperFailure(.memory, "memory budget exceeded (signal \(signal))")
            }
            return HelperFailure(.crashed, "decoder crashed: signal \(signal)")
        }
    }
}
