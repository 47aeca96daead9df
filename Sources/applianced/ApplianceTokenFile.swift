import Config
import Core
import Crypto

/// The appliance token in `<root>/etc/applianced/secrets.toml` (`[auth]` `token = "…"`, mode 0600):
/// read back with a minimal reader of that one key, or generated on first start.
enum ApplianceTokenFile {
    /// The token of `[auth] token`, or nil when the file or the key is absent.
    static func read(_ text: String) -> String? {
        var inAuth = false
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = rawLine.trimmingCharacters(in: " \t\r")
            if line.hasPrefix("[") {
                inAuth = line.replacingOccurrences(of: " ", with: "") == "[auth]"
                continue
            }
            guard inAuth, line.hasPrefix("token") else { continue }
            let afterKey = line.dropFirst("token".count).trimmingCharacters(in: " \t")
            guard afterKey.hasPrefix("=") else { continue }
            let value = afterKey.dropFirst().trimmingCharacters(in: " \t")
            guard let quote = value.first, quote == "\"" || quote == "'" else { return nil }
            let body = value.dropFirst()
            guard let end = body.firstIndex(of: quote) else { return nil }
            let token = String(body[..<end])
            return token.isEmpty ? nil : token
        }
        return nil
    }

    /// `text` with `[auth] token` set to `token`, keeping everything else the file holds.
    static func adding(token: String, to text: String) -> String {
        let entry = "token = \"\(token)\""
        var lines = text.isEmpty ? [] : text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if let header = lines.firstIndex(where: { $0.replacingOccurrences(of: " ", with: "") == "[auth]" }) {
            lines.insert(entry, at: header + 1)
        } else {
            if let last = lines.last, last.isEmpty { lines.removeLast() }
            if !lines.isEmpty { lines.append("") }
            lines += ["[auth]", entry]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The stored token, generating and storing one (0600) when there is none; `created` says which.
    static func loadOrCreate(at path: String) throws -> (token: String, created: Bool) {
        // ConfigFile.read: a FIFO or device in place of the file is an error, not a start that hangs.
        let existing: String
        do {
            existing = String(decoding: try ConfigFile.read(path), as: UTF8.self)
        } catch .missing {
            existing = ""
        }
        if let token = read(existing) { return (token, false) }
        let token = try Crypto.randomToken(bytes: 32)
        try FileSystem.writeAtomically(path, Array(adding(token: token, to: existing).utf8), mode: 0o600)
        return (token, true)
    }
}

extension StringProtocol {
    func trimmingCharacters(in set: String) -> String {
        let unwanted = Set(set)
        var slice = Substring(self)
        while let first = slice.first, unwanted.contains(first) { slice.removeFirst() }
        while let last = slice.last, unwanted.contains(last) { slice.removeLast() }
        return String(slice)
    }

    func replacingOccurrences(of target: String, with replacement: String) -> String {
        String(self).replacing(target, with: replacement)
    }
}
