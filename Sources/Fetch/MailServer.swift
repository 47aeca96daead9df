/// Where and how mail goes out: an `smtp://host:port` or `smtps://host:port` server, its login, STARTTLS and the
/// time limits. `description` masks the password, so the value can be logged as it is.
public struct MailServer: Sendable, Equatable, CustomStringConvertible {
    /// STARTTLS on an `smtp://` server (`smtps://` is TLS from the start whatever this says).
    public enum StartTLS: String, Sendable, CaseIterable {
        /// No mail unless the server upgrades the connection to TLS.
        case required
        /// TLS when the server offers it, plain text otherwise.
        case opportunistic
        case never
    }

    /// `smtp://host:port` or `smtps://host:port`, optionally with `/name` for the EHLO greeting (libcurl's default:
    /// the box's host name).
    public var url: String
    /// Empty: no AUTH.
    public var username: String
    public var password: String
    public var startTLS: StartTLS
    /// Seconds to establish the connection (TCP and TLS).
    public var connectTimeout: Double
    /// Seconds for the whole mail, connection included.
    public var timeout: Double
    /// Check the server's TLS certificate and host name.
    public var verifyTLS: Bool

    public init(
        url: String, username: String = "", password: String = "", startTLS: StartTLS = .required, timeout: Double = 10,
        connectTimeout: Double? = nil, verifyTLS: Bool = true
    ) {
        self.url = url
        self.username = username
        self.password = password
        self.startTLS = startTLS
        self.timeout = timeout
        self.connectTimeout = connectTimeout ?? min(timeout, 10)
        self.verifyTLS = verifyTLS
    }

    public var description: String {
        "MailServer(url: \(FetchError.redact(url)), username: \(username), password: \(password.isEmpty ? "" : "****"), "
            + "startTLS: \(startTLS.rawValue), connectTimeout: \(connectTimeout), timeout: \(timeout), verifyTLS: \(verifyTLS))"
    }
}
