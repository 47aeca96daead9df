import Core
import Hardware
import MediaHelper
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// `applianced hardware [--json] [--show-virtual] [--watch]`: the GPU and disk inventory, as a table or JSON.
enum HardwareCommand {
    static let command = Command(
        name: "hardware", usage: "hardware [--json] [--show-virtual] [--watch]",
        summary: "Show GPUs (with what they decode) and disks; --watch follows hot-plug"
    ) { arguments in
        let options: ParsedOptions
        do {
            options = try ParsedOptions(arguments, valued: [], flags: ["--json", "--show-virtual", "--watch"])
        } catch {
            CommandLineTool.printError("applianced hardware: \(error)")
            return 2
        }
        let json = options.flags.contains("--json")
        // VA-API is asked in a media helper (next to this executable), as the daemon does.
        let probe = MediaAdapters.decodeProbe { MediaHelperSettings(nice: 0, idleIO: false) }
        let inventory = HardwareInventory(options: HardwareOptions(showVirtual: options.flags.contains("--show-virtual"), decodeProbe: probe))
        guard options.flags.contains("--watch") else {
            let snapshot = inventory.scanNow()
            emit(json ? String(decoding: snapshot.json.encoded(), as: UTF8.self) : HardwareTable.render(snapshot))
            for error in snapshot.errors { CommandLineTool.printError("Failed to enumerate hardware: \(error)") }
            return snapshot.errors.isEmpty ? 0 : 1
        }
        return watch(inventory, json: json)
    }

    /// Prints the inventory, then one line per hot-plug event until killed (SIGINT, SIGTERM). In JSON each line is
    /// `{"event": …, "inventory": …}` (the first with `"event": null`).
    static func watch(_ inventory: HardwareInventory, json: Bool) -> Int32 {
        let monitor = HardwareMonitor(inventory: inventory)
        do {
            try monitor.start()
        } catch {
            CommandLineTool.printError("Failed to start the udev monitor: \(error)")
            return 1
        }
        inventory.scanNow()
        // Events that arrive before the first line is out wait behind it (nil once it is printed), so a
        // device plugged in while the inventory prints is neither lost nor shown ahead of it.
        let held = Mutex<[String]?>([])
        let subscription = inventory.subscribe { event in
            let text = json ? line(event: event, inventory) : "\(event.type): \(HardwareTable.summary(event))"
            let queued = held.withLock { pending in
                guard pending != nil else { return false }
                pending?.append(text)
                return true
            }
            if !queued { emit(text) }
        }
        held.withLock { pending in
            emit(json ? line(event: nil, inventory) : HardwareTable.render(inventory.snapshot))
            for text in pending ?? [] { emit(text) }
            pending = nil
        }
        waitForSignal(keeping: (monitor, subscription))
    }

    /// Runs until a signal ends the process, keeping the monitor thread and the subscription alive.
    static func waitForSignal(keeping objects: (HardwareMonitor, HardwareSubscription)) -> Never {
        while true {
            withExtendedLifetime(objects) { _ = pause() }
        }
    }

    static func line(event: HardwareEvent?, _ inventory: HardwareInventory) -> String {
        let document: JSON = ["event": event?.json ?? .null, "inventory": inventory.snapshot.json]
        return String(decoding: document.encoded(), as: UTF8.self)
    }

    /// Writes a line straight to stdout (no buffering, so a pipe reader sees each event as it happens).
    static func emit(_ text: String) {
        var bytes = Array((text + "\n").utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { write(1, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 && errno == EINTR { continue }
            if written <= 0 { return }
            offset += written
        }
    }
}
