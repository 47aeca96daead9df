#if canImport(Glibc)
    import Glibc
#endif

/// Builds the `sockaddr` the listening socket binds to from an IP literal and a port.
enum SocketAddresses {
    static func ipv4(_ text: String, port: UInt16) -> sockaddr_in? {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, text, &address.sin_addr) == 1 else { return nil }
        return address
    }

    static func ipv6(_ text: String, port: UInt16) -> sockaddr_in6? {
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        address.sin6_port = port.bigEndian
        let literal = text.hasPrefix("[") && text.hasSuffix("]") ? String(text.dropFirst().dropLast()) : text
        guard inet_pton(AF_INET6, literal, &address.sin6_addr) == 1 else { return nil }
        return address
    }
}
