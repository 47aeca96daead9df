public import HTTP
import Core

/// Checks of what a browser sends about Plex, and how Plex failures become API errors.
public enum PlexInput {
    static let urlLimit = 2048
    static let tokenLimit = 512

    /// A server address must be `http://` or `https://`, a host, an optional port 1–65535 and an optional path.
    public static func serverURL(_ raw: String) throws(HTTPError) -> String {
        let url = raw.trimmingWhitespace()
        guard !url.isEmpty else { throw HTTPError.badRequest("Server URL is required.") }
        guard url.utf8.count <= urlLimit else { throw HTTPError.badRequest("Server URL is too long.", detail: "Limit is \(urlLimit) bytes") }
        let lower = url.lowercased()
        let rest: Substring
        if lower.hasPrefix("http://") {
            rest = url.dropFirst(7)
        } else if lower.hasPrefix("https://") {
            rest = url.dropFirst(8)
        } else {
            throw HTTPError.badRequest("Server URL must start with http:// or https://.", detail: url)
        }
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !authority.isEmpty, !authority.contains("@"),
            authority.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F })
        else { throw HTTPError.badRequest("Server URL has no valid host.", detail: url) }
        var host = authority
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw HTTPError.badRequest("Server URL has no valid host.", detail: url) }
            let after = authority[authority.index(after: close)...]
            try port(after, url)
            host = authority[...close]
        } else if let colon = authority.lastIndex(of: ":") {
            try port(authority[colon...], url)
            host = authority[..<colon]
        }
        guard !host.isEmpty, host.allSatisfy({ $0.isLetter || $0.isNumber || "-._[]:".contains($0) }) else {
            throw HTTPError.badRequest("Server URL has no valid host.", detail: url)
        }
        guard url.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7F }) else {
            throw HTTPError.badRequest("Server URL must not contain spaces or control characters.", detail: url)
        }
        return url.hasSuffix("/") ? String(url.dropLast()) : url
    }

    /// `:port` with 1–65535, or nothing.
    private static func port(_ part: Substring, _ url: String) throws(HTTPError) {
        if part.isEmpty { return }
        guard part.hasPrefix(":"), let number = Int(part.dropFirst()), (1...65535).contains(number) else {
            throw HTTPError.badRequest("Server URL has an invalid port.", detail: url)
        }
    }

    /// A Plex token: non-empty, bounded, printable ASCII (it travels in a header).
    public static func token(_ raw: String) throws(HTTPError) -> String {
        let token = raw.trimmingWhitespace()
        guard !token.isEmpty else { throw HTTPError.badRequest("Plex token is required.") }
        guard token.utf8.count <= tokenLimit else { throw HTTPError.badRequest("Plex token is too long.", detail: "Limit is \(tokenLimit) bytes") }
        guard token.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
            throw HTTPError.badRequest("Plex token may only contain printable ASCII characters.")
        }
        return token
    }

    /// The API's answer to a failed Plex call.
    public static func error(_ error: PlexServiceError) -> HTTPError {
        switch error {
        case .unauthorized:
            return HTTPError(status: 400, code: "PLEX_UNAUTHORIZED", message: "Plex rejected the token.")
        case .pinNotFound:
            return HTTPError.notFound("PIN not found.")
        case .pinExpired:
            return HTTPError(status: 410, code: "PIN_EXPIRED", message: "The PIN expired. Start the sign-in again.")
        // The cause stays in the log: "connection refused" against "timed out" from a URL the request
        // chose would make the box a port scanner of its network for anyone before setup.
        case .unreachable(let reason):
            Log.shared.warning("Failed to reach the Plex server: \(reason)")
            return HTTPError(status: 504, code: "PLEX_UNREACHABLE", message: "Could not reach the Plex server.", detail: "unreachable")
        case .upstream(let reason):
            Log.shared.warning("Failed to use the Plex server's answer: \(reason)")
            return HTTPError.badGateway("Plex answered with something unexpected.", detail: "unexpected answer")
        }
    }

    /// A store failure as a 500 that says what could not be done; the error itself (it may name a server path) goes
    /// to the log, not into the answer.
    static func storeError(_ verb: String, _ error: any Error) -> HTTPError {
        if let answer = error as? HTTPError { return answer }
        Log.shared.error("Failed to \(verb): \(error)")
        return HTTPError(status: 500, code: "SERVER_ERROR", message: "Failed to \(verb).")
    }
}
