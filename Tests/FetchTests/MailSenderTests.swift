import FoundationEssentials
import TestSupport
import Testing

@testable import Fetch

/// Mail over libcurl's SMTP against `SMTPFixture` on loopback (no TLS there, so `startTLS: .never` unless a test is about it).
struct MailSenderTests {
    static func sender(_ fixture: SMTPFixture, username: String = "", password: String = "", startTLS: MailServer.StartTLS = .never)
        -> MailSender
    {
        MailSender(server: MailServer(url: fixture.url, username: username, password: password, startTLS: startTLS, timeout: 5))
    }

    static let reset = MailMessage(
        from: "box@example.com", fromName: "Media Box", to: ["alice@example.com"], subject: "Reset your password",
        body: "Hello Alice,\n\nopen https://box.example.com/reset?token=abc to choose a new password.\n.\n.hidden line\n")

    @Test func aMessageArrivesWithItsHeadersAndBody() async throws {
        let fixture = try SMTPFixture()
        let date = Date(timeIntervalSince1970: 1_796_210_153)  // Wed, 02 Dec 2026 11:15:53 UTC
        let id = try await Self.sender(fixture).send(Self.reset, date: date)
        let message = try #require(fixture.messages.first)
        #expect(fixture.messages.count == 1)
        #expect(message.envelopeFrom == "box@example.com" && message.recipients == ["alice@example.com"])
        #expect(message.header("From") == "\"Media Box\" <box@example.com>")
        #expect(message.header("To") == "alice@example.com")
        #expect(message.header("Subject") == "Reset your password")
        #expect(message.header("Date") == "Wed, 02 Dec 2026 11:15:53 +0000")
        #expect(message.header("Message-ID") == id && id.hasPrefix("<") && id.hasSuffix("@example.com>"))
        #expect(message.header("MIME-Version") == "1.0")
        #expect(message.header("Content-Type") == "text/plain; charset=utf-8")
        #expect(message.header("Content-Transfer-Encoding") == "7bit")
        // libcurl dot-stuffs the lines that start with a dot and the fixture undoes it: the body arrives as written.
        #expect(
            message.body
                == "Hello Alice,\r\n\r\nopen https://box.example.com/reset?token=abc to choose a new password.\r\n.\r\n.hidden line\r\n")
        #expect(message.authUser == nil)
        #expect(fixture.commands.contains("MAIL FROM:<box@example.com>"))
    }

    @Test func nonASCIISubjectAndBodyAreEncoded() async throws {
        let fixture = try SMTPFixture()
        let subject = "Réinitialisez votre mot de passe — ça prend une minute, promis 🔑"
        let body = "Bonjour Zoë,\nvoici le lien : https://box.example.com/r?t=1   \n" + String(repeating: "é", count: 100)
        let message = MailMessage(from: "box@example.com", to: ["zoe@example.com", "admin@example.com"], subject: subject, body: body)
        try await Self.sender(fixture).send(message)
        let received = try #require(fixture.messages.first)
        #expect(received.recipients == ["zoe@example.com", "admin@example.com"])
        #expect(received.header("To") == "zoe@example.com, admin@example.com")
        #expect(received.header("Content-Transfer-Encoding") == "quoted-printable")
        let words = try #require(received.header("Subject")).split(separator: " ")
        #expect(words.count > 1 && words.allSatisfy { $0.hasPrefix("=?utf-8?B?") && $0.hasSuffix("?=") && $0.count <= 75 })
        let decoded = words.map { Data(base64Encoded: String($0.dropFirst(10).dropLast(2))).map { Array($0) } ?? [] }
        #expect(String(decoding: decoded.joined(), as: UTF8.self) == subject)
        #expect(received.data.split(separator: "\r\n").allSatisfy { $0.utf8.count <= 78 && $0.utf8.allSatisfy { $0 < 0x80 } })
        #expect(Self.decodeQuotedPrintable(received.body) == body.replacing("\n", with: "\r\n") + "\r\n")
    }

    @Test(arguments: [
        MailMessage(from: "box@example.com", to: ["alice@example.com"], subject: "Hi\r\nBcc: victim@example.com", body: "x"),
        MailMessage(from: "box@example.com", to: ["alice@example.com"], subject: "Hi\nBcc: victim@example.com", body: "x"),
        MailMessage(from: "box@example.com", to: ["alice@example.com"], subject: "Hi\u{0}", body: "x"),
        MailMessage(from: "box@example.com", to: ["alice@example.com\r\nRCPT TO:<victim@example.com>"], subject: "Hi", body: "x"),
        MailMessage(from: "box@example.com\u{0}", to: ["alice@example.com"], subject: "Hi", body: "x"),
        MailMessage(from: "box@example.com", fromName: "Box\rBcc: victim@example.com", to: ["alice@example.com"], subject: "Hi", body: "x"),
    ])
    func headerInjectionIsRefusedBeforeAnyConnection(_ message: MailMessage) async throws {
        let fixture = try SMTPFixture()
        let error = await #expect(throws: MailError.self) { try await Self.sender(fixture).send(message) }
        #expect(error?.kind == .badMessage)
        #expect(error?.message.contains("header injection") == true)
        #expect(fixture.commands.isEmpty && fixture.messages.isEmpty)
    }

    @Test(arguments: [
        ("box", ["alice@example.com"]), ("box@example.com", []), ("box@example.com", ["<alice@example.com>"]),
        ("box@example.com", ["alice@example.com, bob@example.com"]), ("box@example.com", ["alice @example.com"]),
    ])
    func malformedAddressesAreRefused(from: String, to: [String]) async throws {
        let message = MailMessage(from: from, to: to, subject: "Hi", body: "x")
        #expect(throws: MailError.self) { try message.rendered() }
    }

    @Test func aRejectedRecipientIsATypedErrorWithTheServersReason() async throws {
        let fixture = try SMTPFixture(rejectedRecipients: ["nobody@example.com"])
        let message = MailMessage(from: "box@example.com", to: ["nobody@example.com"], subject: "Hi", body: "x")
        let error = await #expect(throws: MailError.self) { try await Self.sender(fixture).send(message) }
        #expect(error?.kind == .rejected && error?.smtpCode == 550 && error?.isTransient == false)
        #expect(error?.message == "the mail server refused the mail: 550 5.1.1 <nobody@example.com>: Recipient address rejected: no such user")
        #expect(error?.server == fixture.url)
        #expect(fixture.messages.isEmpty)
    }

    @Test(arguments: [
        (SMTPFixture.Stage.greeting, "554 5.3.2 Not accepting mail", 554), (.mailFrom, "451 4.3.0 Try again later", 451),
        (.data, "552 5.3.4 Message too big", 552), (.endOfData, "554 5.7.1 Spam detected", 554),
    ])
    func refusalsAtEachStageAreTypedErrors(stage: SMTPFixture.Stage, reply: String, code: Int) async throws {
        let fixture = try SMTPFixture(replies: [stage: reply])
        let error = await #expect(throws: MailError.self) { try await Self.sender(fixture).send(Self.reset) }
        #expect(error?.kind == .rejected && error?.smtpCode == code && error?.isTransient == (code < 500))
        #expect(error?.message.hasSuffix(reply) == true, "\(String(describing: error))")
        #expect(fixture.messages.isEmpty)
    }

    @Test(arguments: ["PLAIN", "LOGIN"])
    func credentialsReachTheServer(mechanism: String) async throws {
        let fixture = try SMTPFixture(credentials: ("box", "pa ss:wörd"), authMechanisms: [mechanism])
        try await Self.sender(fixture, username: "box", password: "pa ss:wörd").send(Self.reset)
        let message = try #require(fixture.messages.first)
        #expect(message.authUser == "box" && message.authPassword == "pa ss:wörd")
        #expect(fixture.commands.contains { $0.hasPrefix("AUTH \(mechanism)") })
    }

    @Test func aWrongPasswordIsAnAuthenticationErrorThatDoesNotCarryIt() async throws {
        let fixture = try SMTPFixture(credentials: ("box", "right-password"))
        let error = await #expect(throws: MailError.self) {
            try await Self.sender(fixture, username: "box", password: "wrong-password").send(Self.reset)
        }
        #expect(error?.kind == .authentication && error?.smtpCode == 535)
        #expect(error.map { "\($0)" }?.contains("wrong-password") == false)
        #expect(fixture.messages.isEmpty)
    }

    @Test func requiredSTARTTLSWithoutItSendsNothing() async throws {
        let fixture = try SMTPFixture()
        let error = await #expect(throws: MailError.self) { try await Self.sender(fixture, startTLS: .required).send(Self.reset) }
        #expect(error?.kind == .tls)
        #expect(fixture.messages.isEmpty && !fixture.commands.contains { $0.hasPrefix("MAIL") })
    }

    @Test func opportunisticSTARTTLSFallsBackToPlainText() async throws {
        let fixture = try SMTPFixture(offerStartTLS: true)
        try await Self.sender(fixture, startTLS: .opportunistic).send(Self.reset)
        #expect(fixture.commands.contains("STARTTLS") && fixture.messages.count == 1)
    }

    @Test func aClosedPortIsUnreachable() async throws {
        let sender = MailSender(server: MailServer(url: "smtp://127.0.0.1:1", startTLS: .never, timeout: 2))
        let error = await #expect(throws: MailError.self) { try await sender.send(Self.reset) }
        #expect(error?.kind == .unreachable)
    }

    @Test func aServerThatNeverGreetsTimesOut() async throws {
        let fixture = try SMTPFixture(silent: true)
        let sender = MailSender(server: MailServer(url: fixture.url, startTLS: .never, timeout: 1))
        let error = await #expect(throws: MailError.self) { try await sender.send(Self.reset) }
        #expect(error?.kind == .timeout)
    }

    @Test func cancellingTheTaskAbortsTheMail() async throws {
        let fixture = try SMTPFixture(silent: true)
        let sender = MailSender(server: MailServer(url: fixture.url, startTLS: .never, timeout: 30))
        let task = Task { try await sender.send(Self.reset) }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()
        let error = await #expect(throws: MailError.self) { try await task.value }
        #expect(error?.kind == .cancelled)
    }

    @Test(arguments: ["http://mail.example.com", "mail.example.com:25", "smtp://", "smtp://mail example.com"])
    func aURLThatIsNotSMTPIsRefused(_ url: String) async throws {
        let error = await #expect(throws: MailError.self) {
            try await MailSender(server: MailServer(url: url)).send(Self.reset)
        }
        #expect(error?.kind == .badURL)
    }

    @Test func theServerDescriptionMasksThePassword() {
        let server = MailServer(url: "smtp://user:secret@mail.example.com:587", username: "box", password: "hunter22")
        #expect(!"\(server)".contains("hunter22") && !"\(server)".contains("secret"))
        #expect("\(server)".contains("password: ****"))
    }

    @Test func quotedPrintableKeepsLinesShortAndTrailingSpacesVisible() {
        let line = Array((String(repeating: "a", count: 80) + "= \t ").utf8)
        let encoded = MailMessage.quotedPrintable(line)
        #expect(encoded.split(separator: "\r\n").allSatisfy { $0.utf8.count <= 76 })
        #expect(encoded.hasSuffix("=3D \t=20"))
        #expect(Self.decodeQuotedPrintable(encoded) == String(decoding: line, as: UTF8.self))
    }

    /// RFC 2045 §6.7, for checking what arrived.
    static func decodeQuotedPrintable(_ text: String) -> String {
        var bytes: [UInt8] = []
        let input = Array(text.utf8)
        var index = 0
        while index < input.count {
            if input[index] == 0x3d, index + 2 < input.count, input[index + 1] == 0x0d, input[index + 2] == 0x0a {
                index += 3
            } else if input[index] == 0x3d, index + 2 < input.count,
                let value = UInt8(String(decoding: input[index + 1...index + 2], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                index += 3
            } else {
                bytes.append(input[index])
                index += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
