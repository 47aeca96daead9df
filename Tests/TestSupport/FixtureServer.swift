import Synchronization

/// A Python fixture server from `Tests/Fixtures/` on a free loopback port: started with port 0,
/// it prints the port it bound on its first stdout line. Killed when released. Starting waits for
/// that line (seconds on a loaded machine): async tests use `start`, which waits on a thread of its own.
public final class FixtureServer: Sendable {
    public let process: ChildProcess
    public let port: Int
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Why a fixture server could not be started (no python3, the script failed to print a port).
    public struct StartError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Runs `python3 Tests/Fixtures/<script> --port 0 <arguments…>`.
    public init(script: String, arguments: [String] = []) throws {
        guard let python = ChildProcess.which("python3") else { throw StartError(description: "python3 is not installed") }
        process = try ChildProcess([python, "-u", Fixtures.path(script), "--port", "0"] + arguments)
        guard let line = process.readLine(timeout: 60), let port = Int(line.split(separator: " ").last ?? "") else {
            throw StartError(description: "\(script) did not print its port")
        }
        self.port = port
    }

    /// Starts the server off the cooperative pool.
    public static func start(script: String, arguments: [String] = []) async throws -> FixtureServer {
        try await offPool { try FixtureServer(script: script, arguments: arguments) }
    }

    /// True when python3 is on PATH, for `.enabled(if:)` on tests that need a fixture server.
    public static var isAvailable: Bool { ChildProcess.which("python3") != nil }
}

/// One value shared by a suite's tests (a fixture server), made once on first use on a thread of its
/// own. A `static let` made in place would block every test that touches it, on the cooperative pool,
/// until the first one had started the server.
public final class SharedFixture<Value: Sendable>: Sendable {
    private let make: @Sendable () throws -> Value
    private let made = Mutex<Task<Value, any Error>?>(nil)

    public init(_ make: @escaping @Sendable () throws -> Value) {
        self.make = make
    }

    public func get() async throws -> Value {
        let make = make
        let task = made.withLock { made in
            if let made { return made }
            let task = Task { try await offPool(make) }
            made = task
            return task
        }
        return try await task.value
    }
}

/// Paths of the shared test fixtures in `Tests/Fixtures/`.
public enum Fixtures {
    public static let directory: String = {
        var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(2)  // TestSupport/FixtureServer.swift
        return parts.joined(separator: "/") + "/Fixtures"
    }()

    public static func path(_ name: String) -> String { "\(directory)/\(name)" }
}
