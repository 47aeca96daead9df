import Core
import Hardware

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
        let inventory = HardwareInventory(options: HardwareOptions(showVirtual: options.flags.contains("--show-virtual")))
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
        let snapshot = inventory.scanNow()
        emit(json ? line(event: nil, inventory) : HardwareTable.render(snapshot))
        let subscription = inventory.subscribe { event in
            emit(json ? line(event: event, inventory) : "\(event.type): \(HardwareTable.summary(event))")
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
