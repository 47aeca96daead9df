#if canImport(Glibc)
    import Glibc
#endif
import Core

/// The fuzz targets, by name: each takes the fuzzer's bytes and returns normally, or traps when a
/// property fails. One binary holds them all (one instrumented build); `FUZZ_TARGET` picks one.
/// Adding a target: one file with a `[UInt8] -> Void` function, and one line here.
let fuzzTargets: [String: @Sendable ([UInt8]) -> Void] = [
    "toml": fuzzTOML,
    "http-request": fuzzHTTPRequest,
    "http-parser": fuzzHTTPParser,
    "websocket": fuzzWebSocket,
    "json-body": fuzzJSONBody,
    "bif": fuzzBIF,
    "cron": fuzzCron,
    "plex-xml": fuzzPlexXML,
    "jwt": fuzzJWT,
]

/// Set once in `LLVMFuzzerInitialize`, before libFuzzer calls the target (one thread).
nonisolated(unsafe) var selectedTarget: (@Sendable ([UInt8]) -> Void)?

@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(
    _ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>
) -> Int32 {
    let name = getenv("FUZZ_TARGET").map { String(cString: $0) } ?? ""
    guard let target = fuzzTargets[name] else {
        let known = fuzzTargets.keys.sorted().joined(separator: " ")
        print("FUZZ_TARGET must name a target: \(known)")
        exit(2)
    }
    selectedTarget = target
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    selectedTarget?(bytes)
    return 0
}

/// A property failed: libFuzzer records the input as a crash.
func violated(_ what: String, _ input: [UInt8]) -> Never {
    fatalError("property violated: \(what) (input \(input.count) bytes)")
}

/// Equal as JSON: a number may come back as the other Swift case (`2.0e17` is written `222…2` and read as an integer).
func sameValue(_ a: JSON, _ b: JSON) -> Bool {
    switch (a, b) {
    case (.int(let x), .double(let y)), (.double(let y), .int(let x)): return Double(x) == y
    case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy(sameValue)
    case (.object(let x), .object(let y)):
        return x.count == y.count && x.allSatisfy { key, value in y[key].map { sameValue(value, $0) } ?? false }
    default: return a == b
    }
}
