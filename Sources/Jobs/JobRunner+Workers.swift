import Core
@preconcurrency import Dispatch
import FoundationEssentials
import MediaHelper
import MediaProtocol
import Plex
import Previews
import Store
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

extension JobRunner {
    /// One worker thread: lowers its priority, then takes items until the runner stops, each decoded by
    /// the worker's media helper (started on demand, ended after `workers.idle_exit_s` without work).
    func workerLoop(_ id: Int, nice: Int, idleIO: Bool) {
        for error in WorkerThread.lowerPriority(nice: nice, idleIO: idleIO) {
            Log.shared.warning("Failed to lower the priority of 'thumbnail worker \(id)': \(error)")
        }
        let session = MediaWorkerSession()
        while let (item, flag) = take(id, session: session) {
            process(item, worker: id, flag: flag, session: session)
        }
        session.end()
        state.withLock { $0.workers[id].state = .stopped }
    }

    /// The next item for worker `id`, waiting while there is none or workers are paused; nil when
    /// the runner stops. A CPU worker leaves an item to an idle GPU worker.
    func take(_ id: Int, session: MediaWorkerSession) -> (QueuedItem, CancellationFlag)? {
        while true {
            enum Step { case stop, wait(WorkerStatus?), item(QueuedItem, CancellationFlag, WorkerStatus) }
            let step = state.withLock { state -> Step in
                if state.stopping { return .stop }
                var changed: WorkerStatus?
                let worker = state.workers[id]
                if state.paused {
                    if worker.state != .paused {
                        state.workers[id].state = .paused
                        changed = state.workers[id]
                    }
                    return .wait(changed)
                }
                let gpuIdle = state.workers.contains { $0.kind == .gpu && $0.state == .idle }
                guard !state.queue.isEmpty, worker.kind == .gpu || !gpuIdle else {
                    if worker.state != .idle {
                        state.workers[id].state = .idle
                        state.workers[id].currentItem = nil
                        state.workers[id].jobID = nil
                        changed = state.workers[id]
                    }
                    return .wait(changed)
                }
                let item = state.queue.removeFirst()
                let flag = CancellationFlag()
                state.inFlight[ItemKey(jobID: item.jobID, hash: item.target.hash)] = flag
                state.workers[id].state = .working
                state.workers[id].currentItem = item.target.title
                if worker.jobID != item.jobID {
                    state.workers[id].itemsDone = 0
                    state.workers[id].lastItemSeconds = nil
                    state.workers[id].lastItemSpeed = nil
                }
                state.workers[id].jobID = item.jobID
                return .item(item, flag, state.workers[id])
            }
            switch step {
            case .stop:
                return nil
            case .wait(let changed):
                if let changed { publishWorker(changed) }
                if session.isRunning { session.endIfIdle(seconds: settings().helper.idleExitSeconds) }
                _ = wake.wait(timeout: .now() + .milliseconds(250))
            case .item(let item, let flag, let worker):
                publishWorker(worker)
                return (item, flag)
            }
        }
    }

    /// Has the worker's helper extract, encode and write one part's BIF, and records the outcome. A
    /// helper that dies (crash, limit, sandbox) fails only this item; the next item gets a new helper.
    func process(_ item: QueuedItem, worker id: Int, flag: CancellationFlag, session: MediaWorkerSession) {
        let current = settings()
        let worker = state.withLock { $0.workers[id] }
        let target = item.target
        record(JobItemRecord(jobID: item.jobID, key: target.hash, title: target.title, file: target.localFile, status: .running))
        let node = worker.kind == .gpu ? worker.device : nil
        let request = ThumbnailRequest(
            path: target.localFile, intervalSeconds: current.intervalSeconds, quality: current.quality, renderNode: node,
            output: .plexBundle(plexConfigFolder: current.plexConfigFolder, hash: target.hash))
        let started = DispatchTime.now()

        var outcome = JobItemRecord(jobID: item.jobID, key: target.hash, title: target.title, file: target.localFile, status: .completed)
        do throws(HelperFailure) {
            let output: String
            do {
                output = try BIFFolder.prepare(plexConfigFolder: current.plexConfigFolder)
            } catch {
                throw HelperFailure(.failed, "cannot write the BIF: \(error)")
            }
            let policy = current.helper.policy(read: current.mediaRoots, devices: node.map { [$0] } ?? [], write: [output])
            let reply = try session.perform(.thumbnails(request), settings: current.helper, policy: policy, cancellation: flag) { _, _ in
                waitWhilePaused(worker: id, flag: flag)
                return !flag.isCancelled
            }
            switch reply {
            case .thumbnails(let summary):
                outcome.frames = summary.frames
                outcome.decodePath = summary.decodePath == "vaapi" ? "gpu" : summary.hardwareFailure == nil ? "cpu" : "cpu_fallback"
                if let failure = summary.hardwareFailure {
                    outcome.reason = "GPU failed, redone on the CPU: \(failure)"
                    Log.shared.warning("Failed to decode '\(target.localFile)' on the GPU, redone on the CPU: \(failure)")
                }
            case .failed(let failure):
                throw failure
            default:
                throw HelperFailure(.crashed, "media helper protocol error: unexpected reply")
            }
        } catch where error.kind == .cancelled {
            if state.withLock({ $0.stopping }) {
                outcome.status = .pending
            } else {
                outcome.status = .skipped
                outcome.reason = "job cancelled"
            }
        } catch {
            outcome.status = .failed
            outcome.reason = "\(error)"
            Log.shared.warning("Failed to make thumbnails of '\(target.localFile)': \(error)")
        }
        outcome.durationMilliseconds = Int((DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1_000_000)
        outcome.updatedAt = Date()
        record(outcome)
        let finished = outcome.status == .completed || outcome.status == .failed
        let seconds = Double(outcome.durationMilliseconds ?? 0) / 1000
        state.withLock { state in
            state.inFlight[ItemKey(jobID: item.jobID, hash: target.hash)] = nil
            state.workers[id].currentItem = nil
            guard finished else { return }
            state.workers[id].itemsDone += 1
            state.workers[id].lastItemSeconds = seconds
            state.workers[id].lastItemSpeed = outcome.frames.flatMap { frames in
                frames > 0 && seconds > 0 ? Double(frames * current.intervalSeconds) / seconds : nil
            }
        }
        guard finished else { return }
        itemFinished(item.jobID, title: target.title, failed: outcome.status == .failed)
    }

    /// Counts one finished item on the job row, publishes `job_progress`, and completes the job
    /// after its last item.
    func itemFinished(_ id: String, title: String, failed: Bool) {
        let updated = try? store.update(id) { record in
            if failed { record.failedItems += 1 } else { record.completedItems += 1 }
            if record.status == .running { record.progress = Self.progress(record) }
        }
        if let updated, updated.status == .running {
            events.publish(
                JobEvent(
                    event: "job_progress",
                    data: [
                        "job_id": .string(id), "progress": .double(updated.progress),
                        "completed": JSON(updated.completedItems + updated.failedItems), "total": JSON(updated.totalItems),
                        "current_item": .string(title), "failed": JSON(updated.failedItems),
                    ],
                    jobID: id))
        }
        finishIfDone(id)
    }

    /// Called by the engine after each thumbnail: holds the worker while Plex is streaming.
    func waitWhilePaused(worker id: Int, flag: CancellationFlag) {
        var announced = false
        while !flag.isCancelled {
            let paused = state.withLock { state -> Bool in
                guard state.paused, !state.stopping else { return false }
                if state.workers[id].state != .paused {
                    state.workers[id].state = .paused
                    announced = true
                }
                return true
            }
            guard paused else { break }
            if announced {
                publishWorker(state.withLock { $0.workers[id] })
                announced = false
            }
            usleep(100_000)
        }
        let resumed = state.withLock { state -> WorkerStatus? in
            guard state.workers[id].state == .paused else { return nil }
            state.workers[id].state = .working
            return state.workers[id]
        }
        if let resumed { publishWorker(resumed) }
    }

    /// Polls Plex's `/status/sessions` while there is work and `pause_while_streaming` is on, and
    /// pauses or resumes the workers.
    func pollSessions() async {
        while !Task.isCancelled {
            let current = settings()
            let busy = state.withLock { !$0.queue.isEmpty || !$0.inFlight.isEmpty }
            await refreshPause(current, busy: busy)
            try? await Task.sleep(nanoseconds: UInt64(max(0.2, current.sessionPollSeconds) * 1_000_000_000))
        }
    }

    /// Asks Plex for its playback sessions (when pausing while streaming is on and there is work) and
    /// pauses or resumes the workers. Also run before new work is queued, so no item starts in the gap
    /// before the poller's next look.
    func refreshPause(_ current: JobSettings, busy: Bool) async {
        var pause = false
        if current.pauseWhileStreaming, busy, let plex = current.plex {
            do {
                pause = try await plex.activeSessionCount() > 0
            } catch {
                Log.shared.warning("Failed to read 'Plex sessions': \(error)")
                pause = state.withLock { $0.paused }
            }
        }
        let changed = state.withLock { state -> Bool in
            // Work queued since `busy` was read: the look taken for that work decides, not this one.
            if !busy && (!state.queue.isEmpty || !state.inFlight.isEmpty) { return false }
            defer { state.paused = pause }
            return state.paused != pause
        }
        if changed {
            Log.shared.info(pause ? "Plex is streaming: thumbnail workers pause" : "Thumbnail workers resume")
            for _ in 0..<max(1, state.withLock { $0.workers.count }) { wake.signal() }
        }
    }
}
