public import FoundationEssentials

#if canImport(Glibc)
    import Glibc
#endif

/// One plain-text mail (account verification, a password reset): sender, recipients, subject and body. `rendered`
/// checks every field and builds the RFC 5322 message, so that no value can add a header.
public struct MailMessage: Sendable, Equatable {
    /// The envelope sender and the `From:` address, `local@domain`.
    public var from: String
    /// Shown before the address in `From:` (`Appliance <box@example.com>`); empty for none.
    public var fromName: String
    public var to: [String]
    public var subject: String
    /// Plain text; line breaks may be LF or CRLF.
    public var body: String

    /// The most recipients of one message.
    public static let maximumRecipients = 100
    /// The longest subject and sender name, in UTF-8 bytes (a header line is at most 998 bytes).
    public static let maximumHeaderTextBytes = 900
    /// The largest body, in UTF-8 bytes.
    public static let maximumBodyBytes = 1 << 20

    public init(from: String, fromName: String = "", to: [String], subject: String, body: String) {
        self.from = from
        self.fromName = fromName
        self.to = to
        self.subject = subject
        self.body = body
    }

    /// The message as it goes after SMTP's `DATA` (CRLF line ends; libcurl adds the dot-stuffing). `messageID` is
    /// `<random@sender's domain>` unless given; it is returned with the bytes so that a caller can log it.
    public func rendered(date: Date = Date(), messageID: String? = nil) throws(MailError) -> (bytes: [UInt8], messageID: String) {
        try validate()
        let domain = from[from.index(after: from.firstIndex(of: "@") ?? from.startIndex)...]
        let id = messageID ?? "<\(UUID().uuidString.lowercased())@\(domain)>"
        try Self.checkHeaderText(id, "the Message-ID")
        let sender = fromName.isEmpty ? from : "\(Self.displayName(fromName)) <\(from)>"
        let (encoding, text) = Self.encodeBody(body)
        let headers = [
            "Date: \(Self.date(date))",
            "From: \(sender)",
            "To: " + to.joined(separator: ",\r\n "),
            "Subject: \(Self.headerText(subject))",
            "Message-ID: \(id)",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: \(encoding)",
            // RFC 3834: the appliance writes these mails itself; auto-responders stay quiet.
            "Auto-Submitted: auto-generated",
        ]
        return (Array((headers.joined(separator: "\r\n") + "\r\n\r\n" + text).utf8), id)
    }

    /// Refuses what could change the message's meaning: a line break, NUL or other control character in an address,
    /// the subject or the sender name (header injection), a malformed address, no recipient, an oversized field.
    func validate() throws(MailError) {
        try Self.checkAddress(from, "the sender")
        guard !to.isEmpty else { throw MailError.badMessage("the message has no recipient") }
        guard to.count <= Self.maximumRecipients else {
            throw MailError.badMessage("the message has \(to.count) recipients, more than \(Self.maximumRecipients)")
        }
        for address in to { try Self.checkAddress(address, "a recipient") }
        try Self.checkHeaderText(subject, "the subject")
        try Self.checkHeaderText(fromName, "the sender name")
        guard body.utf8.count <= Self.maximumBodyBytes else {
            throw MailError.badMessage("the body is \(body.utf8.count) bytes, more than \(Self.maximumBodyBytes)")
        }
    }

    /// `local@domain` with no byte that SMTP's `<…>` or a header would read as syntax.
    static func checkAddress(_ address: String, _ what: String) throws(MailError) {
        if address.utf8.contains(where: { $0 == 0x0d || $0 == 0x0a || $0 == 0 }) {
            throw MailError.badMessage("\(what) has a line break or NUL (header injection)")
        }
        let parts = address.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, address.utf8.count <= 254,
            !address.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7f || "<>()[]\\,;:\"".utf8.contains($0) })
        else { throw MailError.badMessage("\(what) is not an address such as box@example.com") }
    }

    static func checkHeaderText(_ text: String, _ what: String) throws(MailError) {
        if text.utf8.contains(where: { $0 == 0x0d || $0 == 0x0a || $0 == 0 }) {
            throw MailError.badMessage("\(what) has a line break or NUL (header injection)")
        }
        guard !text.utf8.contains(where: { ($0 < 0x20 && $0 != 0x09) || $0 == 0x7f }) else {
            throw MailError.badMessage("\(what) has a control character")
        }
        guard text.utf8.count <= maximumHeaderTextBytes else {
            throw MailError.badMessage("\(what) is \(text.utf8.count) bytes, more than \(maximumHeaderTextBytes)")
        }
    }

    // MARK: Encoding

    /// ASCII as it is; anything else as RFC 2047 encoded words of whole characters, folded onto continuation lines.
    static func headerText(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 >= 0x80 }) else { return text }
        var words: [String] = []
        var chunk: [UInt8] = []
        // 39 bytes are 52 base64 characters: a 64-character word, and `Subject: ` and a word within a line's 78.
        for character in text {
            let bytes = Array(character.utf8)
            if chunk.count + bytes.count > 39 && !chunk.isEmpty {
                words.append("=?utf-8?B?\(Data(chunk).base64EncodedString())?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?utf-8?B?\(Data(chunk).base64EncodedString())?=") }
        return words.joined(separator: "\r\n ")
    }

    /// A display name as a quoted string (ASCII) or encoded words.
    static func displayName(_ name: String) -> String {
        if name.utf8.contains(where: { $0 >= 0x80 }) { return headerText(name) }
        var quoted = "\""
        for character in name {
            if character == "\"" || character == "\\" { quoted.append("\\") }
            quoted.append(character)
        }
        return quoted + "\""
    }

    /// `7bit` for short-lined printable ASCII, otherwise quoted-printable (RFC 2045 §6.7), with CRLF line ends.
    static func encodeBody(_ body: String) -> (encoding: String, text: String) {
        var lines: [[UInt8]] = [[]]
        var previousWasCR = false
        for byte in body.utf8 {
            if byte == 0x0a && previousWasCR {
                previousWasCR = false
                continue
            }
            previousWasCR = byte == 0x0d
            if byte == 0x0a || byte == 0x0d { lines.append([]) } else { lines[lines.count - 1].append(byte) }
        }
        let plain = lines.allSatisfy { line in line.count <= 998 && line.allSatisfy { ($0 >= 0x20 && $0 < 0x7f) || $0 == 0x09 } }
        if plain { return ("7bit", lines.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "\r\n")) }
        return ("quoted-printable", lines.map(quotedPrintable).joined(separator: "\r\n"))
    }

    /// One line as quoted-printable: soft breaks (`=` CRLF) keep each output line within 76 characters.
    static func quotedPrintable(_ line: [UInt8]) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var output: [UInt8] = []
        var width = 0
        for (index, byte) in line.enumerated() {
            let isLast = index == line.count - 1
            let literal = (byte >= 0x21 && byte <= 0x7e && byte != 0x3d) || ((byte == 0x20 || byte == 0x09) && !isLast)
            let token = literal ? [byte] : [0x3d, hex[Int(byte >> 4)], hex[Int(byte & 0x0f)]]
            // Room for the token and, unless this is the line's end, a soft break's `=`.
            if width + token.count > (isLast ? 76 : 75) {
                output += [0x3d, 0x0d, 0x0a]
                width = 0
            }
            output += token
            width += token.count
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// RFC 5322 §3.3 in UTC: `Wed, 02 Dec 2026 11:15:53 +0000`.
    static func date(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        guard gmtime_r(&seconds, &parts) != nil else { return "Thu, 01 Jan 1970 00:00:00 +0000" }
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(days[Int(parts.tm_wday)]), \(two(parts.tm_mday)) \(months[Int(parts.tm_mon)]) \(parts.tm_year + 1900) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)) +0000"
    }
}
