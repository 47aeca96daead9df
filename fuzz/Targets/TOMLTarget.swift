import Config

/// The TOML parser, editor and serialiser. Properties: parsing never traps and errors carry a position
/// inside the input; an edit (a key and value derived from the input) yields text that parses to the
/// original document with that one key set; the serialiser's output parses to the same values.
func fuzzTOML(_ input: [UInt8]) {
    let document: TOMLDocument
    do {
        document = try TOMLDocument.parse(input, file: "fuzz.toml")
    } catch {
        guard error.line >= 1, error.column >= 1, error.line <= input.count + 1 else {
            violated("error position \(error.line):\(error.column) outside the input", input)
        }
        return
    }
    checkSerialiser(document.root, input)
    let (path, value) = edit(derivedFrom: input, document)
    guard let edited = try? TOMLEditor.set(path, to: value, in: document) else { return }
    let reparsed: TOMLDocument
    do {
        reparsed = try TOMLDocument.parse(edited, file: "edited.toml")
    } catch {
        violated("setting \(path) to \(value.tomlText) made invalid TOML: \(error)", input)
    }
    guard reparsed.value(at: path) == value else { violated("setting \(path) did not take", input) }
    guard case .table(let expected) = setting(path, to: value, in: .table(document.root)), reparsed.root == expected else {
        violated("setting \(path) changed other keys", input)
    }
    if let removed = try? TOMLEditor.remove(path, from: reparsed) {
        guard let after = try? TOMLDocument.parse(removed, file: "removed.toml") else {
            violated("removing \(path) made invalid TOML", input)
        }
        guard after.value(at: path) == nil else { violated("removing \(path) left it in place", input) }
    }
}

/// Every top-level value written as `key = value` lines parses back to the same table.
private func checkSerialiser(_ root: [String: TOMLValue], _ input: [UInt8]) {
    let text = root.keys.sorted().map { TOMLValue.keyText($0) + " = " + (root[$0]?.tomlText ?? "") }.joined(separator: "\n")
    guard let again = try? TOMLDocument.parse(text, file: "serialised.toml") else {
        violated("serialised document does not parse:\n\(text)", input)
    }
    guard again.root == root else { violated("serialised document parses to other values", input) }
}

/// A key path and value chosen by the input's last bytes: an existing leaf or a new key, and a value
/// of each kind TOML has (strings carry the input's own text, quotes and control characters included).
private func edit(derivedFrom input: [UInt8], _ document: TOMLDocument) -> ([String], TOMLValue) {
    let seed = input.reduce(UInt64(1469598103934665603)) { ($0 ^ UInt64($1)) &* 1099511628211 }
    let leaves = document.leafPaths()
    let path: [String]
    if !leaves.isEmpty && seed & 1 == 0 {
        path = leaves[Int((seed >> 1) % UInt64(leaves.count))]
    } else {
        let key = String(decoding: input.suffix(Int((seed >> 8) % 12) + 1), as: UTF8.self)
        path = seed & 2 == 0 ? [key] : ["fuzz", key]
    }
    let text = String(decoding: input.prefix(64), as: UTF8.self)
    let value: TOMLValue
    switch (seed >> 16) % 6 {
    case 0: value = .string(text)
    case 1: value = .integer(Int64(bitPattern: seed))
    case 2: value = .float(Double(bitPattern: seed))
    case 3: value = .bool(seed & 4 != 0)
    case 4: value = .array([.string(text), .integer(Int64(input.count))])
    default: value = .table(["k": .string(text), "n": .integer(Int64(input.count))])
    }
    return (path, value)
}

/// The table with `path` set to `value`, made as the editor documents it (what a reader of the file expects).
private func setting(_ path: [String], to value: TOMLValue, in table: TOMLValue) -> TOMLValue {
    guard let first = path.first else { return value }
    var members: [String: TOMLValue] = if case .table(let m) = table { m } else { [:] }
    members[first] = setting(Array(path.dropFirst()), to: value, in: members[first] ?? .table([:]))
    return .table(members)
}
