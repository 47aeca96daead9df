/// The HTTP methods the appliance sends upstream.
public enum HTTPMethod: String, Sendable, CaseIterable {
    case get = "GET", post = "POST", put = "PUT", patch = "PATCH", delete = "DELETE", head = "HEAD"
}

/// Limits for one outbound request. Every request has all of them; there is no "unlimited".
public struct FetchOptions: Sendable, Equatable {
    /// Seconds to establish the connection (TCP and TLS).
    public var connectTimeout: Double
    /// Seconds for the whole transfer, connection included.
    public var timeout: Double
    /// Largest response body accepted; a larger one aborts the transfer with `.tooLarge`.
    public var maximumResponseBytes: Int
    /// Redirects followed (http and https only); 0 returns the 3xx response itself.
    public var maximumRedirects: Int
    /// Check the server's TLS certificate and host name.
    public var verifyTLS: Bool
    public var userAgent: String

    public init(
        connectTimeout: Double = 5, timeout: Double = 30, maximumResponseBytes: Int = 16 << 20,
        maximumRedirects: Int = 5, verifyTLS: Bool = true, userAgent: String = "applianced"
    ) {
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.maximumResponseBytes = maximumResponseBytes
        self.maximumRedirects = maximumRedirects
        self.verifyTLS = verifyTLS
        self.userAgent = userAgent
    }
}

/// One outbound HTTP request: method, absolute http(s) URL, headers in order, optional body.
public struct FetchRequest: Sendable {
    public var method: HTTPMethod
    public var url: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]?
    /// Overrides the client's options for this request.
    public var options: FetchOptions?

    public init(
        _ method: HTTPMethod = .get, _ url: String, headers: [(name: String, value: String)] = [],
        body: [UInt8]? = nil, options: FetchOptions? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.options = options
    }
}

/// What came back: the final status (after redirects), its headers and the body.
public struct FetchResponse: Sendable {
    public let status: Int
    /// Headers of the final response, names as the server sent them.
    public let headers: [(name: String, value: String)]
    public let body: [UInt8]

    public init(status: Int, headers: [(name: String, value: String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first header named `name`, compared without case.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.name.lowercased() == wanted }?.value
    }

    public var text: String { String(decoding: body, as: UTF8.self) }

    public var isSuccess: Bool { (200..<300).contains(status) }
}
