import FoundationEssentials
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// A mail server for tests on 127.0.0.1 and a free port: one thread answers one connection at a time with enough SMTP
/// (greeting, EHLO/HELO, AUTH PLAIN and LOGIN, MAIL, RCPT, DATA, RSET, NOOP, QUIT) and records every accepted message.
/// It can require a login, refuse recipients, answer any stage with a 4xx or 5xx, or never greet. Stopped when released.
public final class SMTPFixture: Sendable {
    /// Where a scripted reply replaces the normal one.
    public enum Stage: Sendable, Hashable {
        case greeting, ehlo, mailFrom, rcptTo, data, endOfData
    }

    /// One message the fixture accepted: the envelope, the login it came with and the data as the client meant it
    /// (dot-stuffing undone, CRLF line ends, without the final `.` line).
    public struct Message: Sendable, Equatable {
        public let envelopeFrom: String
        public let recipients: [String]
        public let data: String
        public let authUser: String?
        public let authPassword: String?

        /// The header block, continuation lines unfolded.
        public var headers: [(name: String, value: String)] {
            let block = data.firstRange(of: "\r\n\r\n").map { data[..<$0.lowerBound] } ?? data[...]
            var result: [(name: String, value: String)] = []
            // "\r\n" is one Character in Swift.
            for line in block.split(separator: "\r\n", omittingEmptySubsequences: false) {
                if line.hasPrefix(" ") || line.hasPrefix("\t"), let last = result.popLast() {
                    result.append((last.name, last.value + line))
                } else if let colon = line.firstIndex(of: ":") {
                    result.append((String(line[..<colon]), String(line[line.index(after: colon)...].drop { $0 == " " })))
                }
            }
            return result
        }

        /// The first header named `name`, compared without case.
        public func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }

        /// Everything after the blank line that ends the headers.
        public var body: String {
            guard let range = data.firstRange(of: "\r\n\r\n") else { return "" }
            return String(data[range.upperBound...])
        }
    }

    public struct StartError: Error, CustomStringConvertible {
        public let description: String
    }

    public let port: Int
    public var url: String { "smtp://127.0.0.1:\(port)" }
    private let state: State
    private let thread: pthread_t

    /// - Parameters:
    ///   - credentials: when set, MAIL needs a successful AUTH with this user and password.
    ///   - rejectedRecipients: RCPT TO these addresses gets `550 5.1.1`.
    ///   - replies: a reply that replaces the normal one at a stage (`[.mailFrom: "451 4.3.0 Try again later"]`).
    ///   - authMechanisms: what EHLO lists after AUTH (PLAIN and LOGIN are understood).
    ///   - offerStartTLS: EHLO lists STARTTLS, which is then refused with 454 (there is no TLS here).
    ///   - silent: accept connections and never say anything (for timeouts).
    public init(
        credentials: (user: String, password: String)? = nil, rejectedRecipients: Set<String> = [], replies: [Stage: String] = [:],
        authMechanisms: [String] = ["PLAIN", "LOGIN"], offerStartTLS: Bool = false, silent: Bool = false
    ) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw StartError(description: "socket: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound, listen(fd, 16) == 0 else {
            close(fd)
            throw StartError(description: "bind or listen on 127.0.0.1: errno \(errno)")
        }
        port = Int(UInt16(bigEndian: address.sin_port))
        state = State(
            listener: fd, credentials: credentials.map { [$0.user, $0.password] }, rejected: rejectedRecipients, replies: replies,
            authMechanisms: authMechanisms, offerStartTLS: offerStartTLS, silent: silent)
        let context = Unmanaged.passRetained(state).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(
            &thread, nil,
            { raw in
                guard let raw else { return nil }
                Unmanaged<State>.fromOpaque(raw).takeRetainedValue().serve()
                return nil
            }, context)
        guard rc == 0 else {
            Unmanaged<State>.fromOpaque(context).release()
            close(fd)
            throw StartError(description: "pthread_create: \(rc)")
        }
        self.thread = thread
    }

    deinit {
        state.stop.store(true, ordering: .relaxed)
        pthread_join(thread, nil)
        close(state.listener)
    }

    /// The messages accepted so far, oldest first.
    public var messages: [Message] { state.messages.withLock { $0 } }

    /// Every command line received so far (AUTH payloads included), oldest first.
    public var commands: [String] { state.commands.withLock { $0 } }
}

/// The fixture's thread and what it records; the fixture object owns it and stops it.
private final class State: Sendable {
    let listener: Int32
    let credentials: [String]?
    let rejected: Set<String>
    let replies: [SMTPFixture.Stage: String]
    let authMechanisms: [String]
    let offerStartTLS: Bool
    let silent: Bool
    let stop = Atomic<Bool>(false)
    let messages = Mutex<[SMTPFixture.Message]>([])
    let commands = Mutex<[String]>([])

    init(
        listener: Int32, credentials: [String]?, rejected: Set<String>, replies: [SMTPFixture.Stage: String], authMechanisms: [String],
        offerStartTLS: Bool, silent: Bool
    ) {
        self.listener = listener
        self.credentials = credentials
        self.rejected = rejected
        self.replies = replies
        self.authMechanisms = authMechanisms
        self.offerStartTLS = offerStartTLS
        self.silent = silent
    }

    func serve() {
        while !stop.load(ordering: .relaxed) {
            var poller = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 50) > 0 else { continue }
            let client = accept(listener, nil, nil)
            guard client >= 0 else { continue }
            var session = Session(fd: client, state: self)
            session.run()
            close(client)
        }
    }
}

/// One SMTP conversation on one connection.
private struct Session {
    let fd: Int32
    let state: State
    var buffer: [UInt8] = []
    var user: String?
    var password: String?
    var from: String?
    var recipients: [String] = []

    init(fd: Int32, state: State) {
        self.fd = fd
        self.state = state
    }

    mutating func run() {
        if state.silent {
            while readLine() != nil {}
            return
        }
        guard reply(state.replies[.greeting] ?? "220 fixture ESMTP ready"), state.replies[.greeting] == nil else { return }
        while let line = readLine() {
            state.commands.withLock { $0.append(line) }
            let verb = line.split(separator: " ").first.map { $0.uppercased() } ?? ""
            let argument = String(line.dropFirst(verb.count).drop { $0 == " " })
            switch verb {
            case "EHLO":
                var extensions = ["250-fixture greets you", "250-8BITMIME", "250-AUTH " + state.authMechanisms.joined(separator: " ")]
                if state.offerStartTLS { extensions.append("250-STARTTLS") }
                reply(state.replies[.ehlo] ?? (extensions + ["250 SIZE 10485760"]).joined(separator: "\r\n"))
            case "HELO": reply(state.replies[.ehlo] ?? "250 fixture")
            case "STARTTLS": reply("454 4.7.0 TLS not available")
            case "AUTH": authenticate(argument)
            case "MAIL":
                if state.credentials != nil && user == nil {
                    reply("530 5.7.0 Authentication required")
                } else if let scripted = state.replies[.mailFrom] {
                    reply(scripted)
                } else {
                    from = Self.path(argument)
                    recipients = []
                    reply("250 2.1.0 Ok")
                }
            case "RCPT":
                let address = Self.path(argument)
                if from == nil {
                    reply("503 5.5.1 Error: need MAIL command")
                } else if state.rejected.contains(address) {
                    reply("550 5.1.1 <\(address)>: Recipient address rejected: no such user")
                } else if let scripted = state.replies[.rcptTo] {
                    reply(scripted)
                } else {
                    recipients.append(address)
                    reply("250 2.1.5 Ok")
                }
            case "DATA": receiveData()
            case "RSET":
                from = nil
                recipients = []
                reply("250 2.0.0 Ok")
            case "NOOP": reply("250 2.0.0 Ok")
            case "QUIT":
                reply("221 2.0.0 Bye")
                return
            default: reply("502 5.5.2 Error: command not recognized")
            }
        }
    }

    mutating func authenticate(_ argument: String) {
        let parts = argument.split(separator: " ").map(String.init)
        let mechanism = parts.first?.uppercased() ?? ""
        guard state.authMechanisms.contains(mechanism) else {
            reply("504 5.5.4 Unrecognized authentication type")
            return
        }
        switch mechanism {
        case "PLAIN":
            var response = parts.count > 1 ? parts[1] : nil
            if response == nil {
                reply("334 ")
                response = readLine()
            }
            let fields = Self.decode(response ?? "").split(separator: "\0", omittingEmptySubsequences: false).map(String.init)
            check(user: fields.count == 3 ? fields[1] : "", password: fields.count == 3 ? fields[2] : "")
        case "LOGIN":
            var name = parts.count > 1 ? parts[1] : nil
            if name == nil {
                reply("334 VXNlcm5hbWU6")
                name = readLine()
            }
            reply("334 UGFzc3dvcmQ6")
            let secret = readLine() ?? ""
            check(user: Self.decode(name ?? ""), password: Self.decode(secret))
        default: reply("504 5.5.4 Unrecognized authentication type")
        }
    }

    mutating func check(user: String, password: String) {
        if let expected = state.credentials, expected != [user, password] {
            reply("535 5.7.8 Error: authentication failed")
            return
        }
        self.user = user
        self.password = password
        reply("235 2.7.0 Authentication successful")
    }

    mutating func receiveData() {
        guard let from, !recipients.isEmpty else {
            reply("503 5.5.1 Error: need RCPT command")
            return
        }
        if let scripted = state.replies[.data] {
            reply(scripted)
            return
        }
        reply("354 End data with <CR><LF>.<CR><LF>")
        var lines: [String] = []
        while let line = readLine() {
            if line == "." { break }
            lines.append(line.hasPrefix(".") ? String(line.dropFirst()) : line)
        }
        if let scripted = state.replies[.endOfData] {
            reply(scripted)
        } else {
            let message = SMTPFixture.Message(
                envelopeFrom: from, recipients: recipients, data: lines.map { $0 + "\r\n" }.joined(), authUser: user, authPassword: password)
            let count = state.messages.withLock {
                $0.append(message)
                return $0.count
            }
            reply("250 2.0.0 Ok: queued as \(count)")
        }
        self.from = nil
        recipients = []
    }

    /// `FROM:<a@b> SIZE=12` → `a@b`.
    static func path(_ argument: String) -> String {
        guard let open = argument.firstIndex(of: "<"), let close = argument[open...].firstIndex(of: ">") else { return "" }
        return String(argument[argument.index(after: open)..<close])
    }

    static func decode(_ base64: String) -> String {
        Data(base64Encoded: base64).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    @discardableResult
    func reply(_ text: String) -> Bool {
        let bytes = Array((text + "\r\n").utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { return false }
            offset += n
        }
        return true
    }

    /// The next CRLF-terminated line, or nil when the client closed, went quiet for 10 s or the fixture stops.
    mutating func readLine() -> String? {
        let deadline = ContinuousClock.now + .seconds(10)
        while true {
            if let end = buffer.firstIndex(of: 0x0a) {
                let line = buffer[..<end].last == 0x0d ? buffer[..<(end - 1)] : buffer[..<end]
                defer { buffer.removeSubrange(...end) }
                return String(decoding: line, as: UTF8.self)
            }
            guard !state.stop.load(ordering: .relaxed), ContinuousClock.now < deadline else { return nil }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 50) >= 0 else { return nil }
            guard poller.revents != 0 else { continue }
            var chunk = [UInt8](repeating: 0, count: 4096)
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { return nil }
            buffer += chunk[..<n]
        }
    }
}
