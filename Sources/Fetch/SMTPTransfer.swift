internal import CCurl

/// One blocking libcurl SMTP transfer: EHLO, STARTTLS as configured, AUTH, MAIL FROM, RCPT TO, DATA with the rendered
/// message (libcurl dot-stuffs it). Runs on the calling thread; the callbacks touch only this object.
final class SMTPTransfer {
    let server: MailServer
    let from: String
    let to: [String]
    let payload: [UInt8]
    let cancel: CancelFlag
    private var sent = 0
    /// The server's reply lines, newest last (a few, each cut short): the reason of a refusal.
    private(set) var replies: [String] = []

    init(server: MailServer, from: String, to: [String], payload: [UInt8], cancel: CancelFlag) {
        self.server = server
        self.from = from
        self.to = to
        self.payload = payload
        self.cancel = cancel
    }

    func perform() throws(MailError) {
        try validate()
        let curl: CurlLibrary
        do { curl = try CurlLibrary.loaded() } catch { throw failure(.transport, CURLE_FAILED_INIT, error.message) }
        guard let handle = curl.easyInit() else { throw failure(.transport, CURLE_FAILED_INIT, "curl_easy_init failed") }
        defer { curl.easyCleanup(handle) }
        var recipients: UnsafeMutablePointer<curl_slist>?
        defer { curl.listFree(recipients) }
        for address in to { recipients = curl.listAppend(recipients, "<\(address)>") }
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        defer { errorBuffer.deallocate() }
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)

        let context = Unmanaged.passUnretained(self).toOpaque()
        var rc = CURLE_OK
        func set(_ result: CURLcode) { if rc == CURLE_OK { rc = result } }
        let tls: curl_usessl =
            switch server.startTLS {
            case .required: CURLUSESSL_ALL
            case .opportunistic: CURLUSESSL_TRY
            case .never: CURLUSESSL_NONE
            }
        set(curl.set(handle, CURLOPT_URL, string: server.url))
        set(curl.set(handle, CURLOPT_NOSIGNAL, long: 1))
        set(curl.set(handle, CURLOPT_PROTOCOLS_STR, string: "smtp,smtps"))
        set(curl.set(handle, CURLOPT_USE_SSL, long: Int(tls.rawValue)))
        set(curl.set(handle, CURLOPT_SSL_VERIFYPEER, long: server.verifyTLS ? 1 : 0))
        set(curl.set(handle, CURLOPT_SSL_VERIFYHOST, long: server.verifyTLS ? 2 : 0))
        set(curl.set(handle, CURLOPT_CONNECTTIMEOUT_MS, long: CurlTransfer.milliseconds(server.connectTimeout)))
        set(curl.set(handle, CURLOPT_TIMEOUT_MS, long: CurlTransfer.milliseconds(server.timeout)))
        if !server.username.isEmpty {
            set(curl.set(handle, CURLOPT_USERNAME, string: server.username))
            set(curl.set(handle, CURLOPT_PASSWORD, string: server.password))
        }
        set(curl.set(handle, CURLOPT_MAIL_FROM, string: "<\(from)>"))
        set(curl.set(handle, CURLOPT_MAIL_RCPT, pointer: UnsafeMutableRawPointer(recipients)))
        set(curl.set(handle, CURLOPT_UPLOAD, long: 1))
        set(curl.set(handle, CURLOPT_READFUNCTION, data: smtpRead))
        set(curl.set(handle, CURLOPT_READDATA, pointer: context))
        set(curl.set(handle, CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(errorBuffer)))
        // VERBOSE only feeds the debug callback, which keeps the server's replies (never what we send: no password).
        set(curl.set(handle, CURLOPT_VERBOSE, long: 1))
        set(curl.setDebug(handle, smtpDebug))
        set(curl.set(handle, CURLOPT_DEBUGDATA, pointer: context))
        set(curl.setProgress(handle, smtpProgress))
        set(curl.set(handle, CURLOPT_XFERINFODATA, pointer: context))
        set(curl.set(handle, CURLOPT_NOPROGRESS, long: 0))
        guard rc == CURLE_OK else { throw failure(.transport, rc, curl.message(rc, errorBuffer)) }

        rc = curl.easyPerform(handle)
        guard rc != CURLE_OK else { return }
        let code = curl.info(handle, CURLINFO_RESPONSE_CODE)
        let detail = curl.message(rc, errorBuffer)
        let reply = replies.last(where: { $0.hasPrefix(String(code)) }) ?? replies.last ?? ""
        switch rc {
        case CURLE_LOGIN_DENIED:
            throw failure(.authentication, rc, "the mail server refused the login: \(reply.isEmpty ? detail : reply)", code)
        case CURLE_USE_SSL_FAILED:
            throw failure(.tls, rc, "the mail server offers no STARTTLS, which email.starttls requires", code)
        case _ where code >= 400 && kind(of: rc) == .transport:
            throw failure(.rejected, rc, "the mail server refused the mail: \(reply.isEmpty ? detail : reply)", code)
        default:
            throw failure(kind(of: rc), rc, detail, code)
        }
    }

    private func validate() throws(MailError) {
        let url = server.url
        let lower = url.prefix(8).lowercased()
        let scheme = lower.hasPrefix("smtps://") ? 8 : lower.hasPrefix("smtp://") ? 7 : 0
        guard scheme > 0, url.utf8.count > scheme, url.utf8.count <= 2048,
            !url.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7f })
        else { throw failure(.badURL, CURLE_URL_MALFORMAT, "not an smtp:// or smtps:// URL") }
        let credentials = server.username + server.password
        guard !credentials.utf8.contains(where: { $0 == 0x0d || $0 == 0x0a || $0 == 0 }) else {
            throw failure(.authentication, CURLE_OK, "the mail server's user name or password has a line break or NUL")
        }
    }

    private func kind(of rc: CURLcode) -> MailError.Kind {
        switch rc {
        case CURLE_OPERATION_TIMEDOUT: return .timeout
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: return .unreachable
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL: return .badURL
        case CURLE_ABORTED_BY_CALLBACK: return cancel.isCancelled ? .cancelled : .transport
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH, CURLE_USE_SSL_FAILED:
            return .tls
        case CURLE_LOGIN_DENIED: return .authentication
        default: return .transport
        }
    }

    private func failure(_ kind: MailError.Kind, _ rc: CURLcode, _ message: String, _ smtpCode: Int = 0) -> MailError {
        MailError(kind: kind, curlCode: Int32(rc.rawValue), smtpCode: smtpCode, message: message, server: server.url)
    }

    // MARK: Callbacks (called by libcurl on this transfer's thread)

    func read(into buffer: UnsafeMutablePointer<CChar>, _ capacity: Int) -> Int {
        let count = min(capacity, payload.count - sent)
        guard count > 0 else { return 0 }
        payload.withUnsafeBufferPointer { source in
            buffer.withMemoryRebound(to: UInt8.self, capacity: count) { $0.update(from: source.baseAddress! + sent, count: count) }
        }
        sent += count
        return count
    }

    func receiveReply(_ data: UnsafeMutablePointer<CChar>, _ count: Int) {
        let text = data.withMemoryRebound(to: UInt8.self, capacity: count) {
            String(decoding: UnsafeBufferPointer(start: $0, count: min(count, 512)), as: UTF8.self)
        }
        // Printable text only: a reply line lands in an error message and so in the log.
        let line = String(String.UnicodeScalarView(text.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7f }))
        replies.append(line.trimmingSpaces())
        if replies.count > 8 { replies.removeFirst() }
    }
}

private let smtpRead: ccurl_data_fn = { buffer, size, count, context in
    guard let buffer, let context else { return 0 }
    return Unmanaged<SMTPTransfer>.fromOpaque(context).takeUnretainedValue().read(into: buffer, size * count)
}

private let smtpDebug: ccurl_debug_fn = { _, type, data, count, context in
    guard type == CURLINFO_HEADER_IN, let data, let context else { return 0 }
    Unmanaged<SMTPTransfer>.fromOpaque(context).takeUnretainedValue().receiveReply(data, count)
    return 0
}

private let smtpProgress: ccurl_xferinfo_fn = { context, _, _, _, _ in
    guard let context else { return 0 }
    return Unmanaged<SMTPTransfer>.fromOpaque(context).takeUnretainedValue().cancel.isCancelled ? 1 : 0
}
