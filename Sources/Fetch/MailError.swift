/// A mail that was not sent: what went wrong, libcurl's code, the mail server's last reply code, a message that
/// carries the server's reason, and the server's URL with credentials masked. Never holds the password.
public struct MailError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The failure as a caller acts on it.
    public enum Kind: String, Sendable {
        /// A field of the message cannot be sent (a line break in the subject, a malformed address, no recipient).
        case badMessage
        /// Not an `smtp://` or `smtps://` URL.
        case badURL
        /// The host name did not resolve or nothing accepted the connection.
        case unreachable
        /// The connect or total timeout ran out.
        case timeout
        /// No TLS: the server offers no STARTTLS while it is required, or the handshake or certificate check failed.
        case tls
        /// The server refused the user name and password.
        case authentication
        /// The server answered 4xx or 5xx to the greeting, the sender, a recipient or the message.
        case rejected
        /// The task awaiting the mail was cancelled.
        case cancelled
        /// Anything else libcurl reported (connection reset, a reply that is not SMTP, …).
        case transport
    }

    public let kind: Kind
    /// libcurl's `CURLcode`, 0 when the failure was found before libcurl ran.
    public let curlCode: Int32
    /// The mail server's last reply code (550, 451, 535, …), 0 when there was none.
    public let smtpCode: Int
    public let message: String
    /// The server's URL, redacted with `FetchError.redact`.
    public let server: String

    public init(kind: Kind, curlCode: Int32, smtpCode: Int, message: String, server: String) {
        self.kind = kind
        self.curlCode = curlCode
        self.smtpCode = smtpCode
        self.message = message
        self.server = FetchError.redact(server)
    }

    static func badMessage(_ message: String) -> MailError {
        MailError(kind: .badMessage, curlCode: 0, smtpCode: 0, message: message, server: "")
    }

    /// A 4xx reply: the same mail may go through later.
    public var isTransient: Bool { (400..<500).contains(smtpCode) }

    public var description: String { server.isEmpty ? message : "\(message) (\(server))" }
}
