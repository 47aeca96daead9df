#if canImport(Glibc)
    import Glibc
#endif
import Synchronization

/// The `Host` names the open pre-setup routes answer for, against DNS rebinding: a page on
/// `evil.example` whose name is made to resolve to the box sends `Host: evil.example`, which is none
/// of these. Allowed: IP literals, `localhost`, the box's own host name, any `*.local` (mDNS) name,
/// the configured `server.domain`, and the names in `server.allowed_hosts` (`*.example.com` matches
/// that domain's subdomains). A request without `Host` (HTTP/1.0, not a browser) passes.
public final class HostAllowList: Sendable {
    private let names = Mutex<[String]>([])
    private let hostname: String

    public init(names: [String] = [], hostname: String? = nil) {
        self.hostname = (hostname ?? HostAllowList.systemHostname()).lowercased()
        replace(names)
    }

    /// Takes the configured names (a config reload calls this).
    public func replace(_ configured: [String]) {
        let cleaned = configured.map { Substring($0).trimmingSpaces().lowercased() }.filter { !$0.isEmpty }
        names.withLock { $0 = cleaned }
    }

    public func allows(_ hostHeader: String?) -> Bool {
        guard let hostHeader else { return true }
        guard let host = HostAllowList.hostPart(hostHeader.lowercased()) else { return false }
        if HostAllowList.isIPLiteral(host) || host == "localhost" || host.hasSuffix(".localhost") { return true }
        if host == hostname || host.hasSuffix(".local") { return true }
        return names.withLock { names in
            names.contains { name in
                name.hasPrefix("*.") ? host.hasSuffix(name.dropFirst(1)) && host.count > name.count - 1 : host == name
            }
        }
    }

    /// The name of `host[:port]` or `[v6]:port`, without a trailing dot; nil when malformed.
    static func hostPart(_ header: String) -> String? {
        var host = Substring(header)
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return nil }
            let rest = host[host.index(after: close)...]
            guard rest.isEmpty || (rest.hasPrefix(":") && rest.dropFirst().allSatisfy(\.isNumber)) else { return nil }
            return String(host[...close])
        }
        if let colon = host.lastIndex(of: ":") {
            guard host[host.index(after: colon)...].allSatisfy(\.isNumber) else { return nil }
            host = host[..<colon]
        }
        if host.hasSuffix(".") { host = host.dropLast() }
        guard !host.isEmpty, host.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_" }) else {
            return nil
        }
        return String(host)
    }

    static func isIPLiteral(_ host: String) -> Bool {
        if host.hasPrefix("[") && host.hasSuffix("]") {
            var address = in6_addr()
            return inet_pton(AF_INET6, String(host.dropFirst().dropLast()), &address) == 1
        }
        var address = in_addr()
        return inet_pton(AF_INET, host, &address) == 1
    }

    private static func systemHostname() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
