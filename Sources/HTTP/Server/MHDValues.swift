internal import CMicroHTTPD

#if canImport(Glibc)
    import Glibc
#endif

/// Reads what libmicrohttpd parsed from a request: headers (in order), query arguments (already
/// percent-decoded) and the client's address.
enum MHDValues {
    struct Collected {
        var headers = Headers()
        var query: [String: String] = [:]
        var headerBytes = 0
    }

    private final class Box {
        var collected = Collected()
    }

    static func collect(_ connection: OpaquePointer) -> Collected {
        let box = Box()
        let context = Unmanaged.passUnretained(box).toOpaque()
        _ = MHD_get_connection_values(
            connection, .HEADER_KIND,
            { cls, _, key, value in
                guard let cls, let key else { return .YES }
                let box = Unmanaged<Box>.fromOpaque(cls).takeUnretainedValue()
                let name = String(cString: key)
                let text = value.map { String(cString: $0) } ?? ""
                box.collected.headers.add(name, text)
                box.collected.headerBytes += name.utf8.count + text.utf8.count + 4
                return .YES
            }, context)
        _ = MHD_get_connection_values(
            connection, .GET_ARGUMENT_KIND,
            { cls, _, key, value in
                guard let cls, let key else { return .YES }
                let box = Unmanaged<Box>.fromOpaque(cls).takeUnretainedValue()
                box.collected.query[String(cString: key)] = value.map { String(cString: $0) } ?? ""
                return .YES
            }, context)
        return withExtendedLifetime(box) { box.collected }
    }

    /// The client's IP address as text (`127.0.0.1`, `::1`), or empty when libmicrohttpd has none.
    static func clientAddress(_ connection: OpaquePointer) -> String {
        guard let address = cmhd_client_addr(connection) else { return "" }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        switch Int32(address.pointee.sa_family) {
        case AF_INET:
            address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { v4 in
                var raw = v4.pointee.sin_addr
                _ = inet_ntop(AF_INET, &raw, &text, socklen_t(text.count))
            }
        case AF_INET6:
            address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { v6 in
                var raw = v6.pointee.sin6_addr
                _ = inet_ntop(AF_INET6, &raw, &text, socklen_t(text.count))
            }
        default:
            return ""
        }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Turns a `Response` into a libmicrohttpd response and queues it, adding the headers every answer
/// carries: `X-Request-ID` and the security headers.
enum MHDResponse {
    static let securityHeaders: [(String, String)] = [
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "no-referrer"),
    ]

    static func queue(_ response: Response, requestID: String, on connection: OpaquePointer) -> MHD_Result {
        var body = response.body
        let created = body.withUnsafeMutableBytes { bytes in
            MHD_create_response_from_buffer(bytes.count, bytes.baseAddress, .RESPMEM_MUST_COPY)
        }
        guard let created else { return .NO }
        defer { MHD_destroy_response(created) }
        addHeaders(response.headers, requestID: requestID, to: created)
        return MHD_queue_response(connection, UInt32(response.status), created)
    }

    /// The response's own headers, `X-Request-ID`, then each security header and `Cache-Control: no-store`
    /// that the response did not set itself (static files set theirs), so none is ever sent twice.
    static func addHeaders(_ headers: Headers, requestID: String, to response: OpaquePointer) {
        for (name, value) in headers.fields where isSafe(name) && isSafe(value) {
            _ = MHD_add_response_header(response, name, value)
        }
        _ = MHD_add_response_header(response, "X-Request-ID", requestID)
        for (name, value) in defaultHeaders where headers[name] == nil {
            _ = MHD_add_response_header(response, name, value)
        }
    }

    /// API answers are never cached by a browser or a proxy: some carry secrets (the setup token).
    static let defaultHeaders: [(String, String)] = securityHeaders + [("Cache-Control", "no-store")]

    /// A header name or value with a CR or LF would split the response; such a field is dropped.
    private static func isSafe(_ text: String) -> Bool {
        !text.utf8.contains(13) && !text.utf8.contains(10)
    }
}
