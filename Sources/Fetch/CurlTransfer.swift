internal import CCurl
import Synchronization

/// Set from another thread to abort a transfer at libcurl's next progress callback.
final class CancelFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    func cancel() { flag.store(true, ordering: .relaxed) }
    var isCancelled: Bool { flag.load(ordering: .relaxed) }
}

/// One blocking libcurl easy transfer. Runs on the calling thread; the callbacks fill the
/// buffers of this object, which only that thread touches.
final class CurlTransfer {
    let request: FetchRequest
    let options: FetchOptions
    let cancel: CancelFlag
    var body: [UInt8] = []
    var headers: [(name: String, value: String)] = []
    var exceededLimit = false

    init(request: FetchRequest, options: FetchOptions, cancel: CancelFlag) {
        self.request = request
        self.options = options
        self.cancel = cancel
    }

    func perform() throws(FetchError) -> FetchResponse {
        try validate()
        let curl: CurlLibrary
        do { curl = try CurlLibrary.loaded() } catch { throw failure(.transport, CURLE_FAILED_INIT, error.message) }
        guard let handle = curl.easyInit() else { throw failure(.transport, CURLE_FAILED_INIT, "curl_easy_init failed") }
        defer { curl.easyCleanup(handle) }
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl.listFree(headerList) }
        for header in request.headers {
            headerList = curl.listAppend(headerList, "\(header.name): \(header.value)")
        }
        // No `Expect: 100-continue` round trip before a body.
        headerList = curl.listAppend(headerList, "Expect:")
        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        defer { errorBuffer.deallocate() }
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)

        let context = Unmanaged.passUnretained(self).toOpaque()
        var rc = CURLE_OK
        func set(_ result: CURLcode) { if rc == CURLE_OK { rc = result } }
        set(curl.set(handle, CURLOPT_URL, string: request.url))
        set(curl.set(handle, CURLOPT_NOSIGNAL, long: 1))
        set(curl.set(handle, CURLOPT_PROTOCOLS_STR, string: "http,https"))
        set(curl.set(handle, CURLOPT_REDIR_PROTOCOLS_STR, string: "http,https"))
        set(curl.set(handle, CURLOPT_FOLLOWLOCATION, long: options.maximumRedirects > 0 ? 1 : 0))
        set(curl.set(handle, CURLOPT_MAXREDIRS, long: max(0, options.maximumRedirects)))
        set(curl.set(handle, CURLOPT_CONNECTTIMEOUT_MS, long: Self.milliseconds(options.connectTimeout)))
        set(curl.set(handle, CURLOPT_TIMEOUT_MS, long: Self.milliseconds(options.timeout)))
        set(curl.set(handle, CURLOPT_MAXFILESIZE_LARGE, offset: curl_off_t(options.maximumResponseBytes)))
        set(curl.set(handle, CURLOPT_SSL_VERIFYPEER, long: options.verifyTLS ? 1 : 0))
        set(curl.set(handle, CURLOPT_SSL_VERIFYHOST, long: options.verifyTLS ? 2 : 0))
        set(curl.set(handle, CURLOPT_USERAGENT, string: options.userAgent))
        set(curl.set(handle, CURLOPT_ACCEPT_ENCODING, string: ""))
        set(curl.set(handle, CURLOPT_HTTPHEADER, pointer: UnsafeMutableRawPointer(headerList)))
        set(curl.set(handle, CURLOPT_ERRORBUFFER, pointer: UnsafeMutableRawPointer(errorBuffer)))
        set(curl.set(handle, CURLOPT_WRITEFUNCTION, data: curlWriteBody))
        set(curl.set(handle, CURLOPT_WRITEDATA, pointer: context))
        set(curl.set(handle, CURLOPT_HEADERFUNCTION, data: curlWriteHeader))
        set(curl.set(handle, CURLOPT_HEADERDATA, pointer: context))
        set(curl.setProgress(handle, curlProgress))
        set(curl.set(handle, CURLOPT_XFERINFODATA, pointer: context))
        set(curl.set(handle, CURLOPT_NOPROGRESS, long: 0))
        switch (request.method, request.body) {
        case (.get, nil):
            set(curl.set(handle, CURLOPT_HTTPGET, long: 1))
        case (.head, _):
            set(curl.set(handle, CURLOPT_NOBODY, long: 1))
        case (.delete, nil):
            set(curl.set(handle, CURLOPT_CUSTOMREQUEST, string: request.method.rawValue))
        case (_, let body):
            let bytes = body ?? []
            set(curl.set(handle, CURLOPT_CUSTOMREQUEST, string: request.method.rawValue))
            set(curl.set(handle, CURLOPT_POSTFIELDSIZE_LARGE, offset: curl_off_t(bytes.count)))
            // COPYPOSTFIELDS copies `POSTFIELDSIZE` bytes now, so the buffer need not outlive this call.
            bytes.withUnsafeBytes { raw in
                var nothing: UInt8 = 0
                let pointer = raw.baseAddress ?? withUnsafePointer(to: &nothing) { UnsafeRawPointer($0) }
                set(curl.set(handle, CURLOPT_COPYPOSTFIELDS, pointer: UnsafeMutableRawPointer(mutating: pointer)))
            }
        }
        guard rc == CURLE_OK else { throw failure(.transport, rc, curl.message(rc, errorBuffer)) }

        rc = curl.easyPerform(handle)
        if rc != CURLE_OK {
            throw failure(
                kind(of: rc), rc,
                exceededLimit || rc == CURLE_FILESIZE_EXCEEDED
                    ? "response larger than \(options.maximumResponseBytes) bytes"
                    : curl.message(rc, errorBuffer))
        }
        return FetchResponse(status: curl.info(handle, CURLINFO_RESPONSE_CODE), headers: headers, body: body)
    }

    private func validate() throws(FetchError) {
        let url = request.url
        let lower = url.prefix(8).lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://"), url.utf8.count <= 8192,
            url.utf8.count > (lower.hasPrefix("https") ? 8 : 7),
            !url.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7f })
        else { throw failure(.badURL, CURLE_URL_MALFORMAT, "not an absolute http(s) URL") }
        for header in request.headers {
            let text = header.name + header.value
            guard !header.name.isEmpty, !text.utf8.contains(where: { $0 == 0x0d || $0 == 0x0a || $0 == 0 }),
                !header.name.contains(":")
            else { throw failure(.badRequest, CURLE_OK, "header '\(header.name)' has a bad name or a line break") }
        }
    }

    private func kind(of rc: CURLcode) -> FetchError.Kind {
        if exceededLimit || rc == CURLE_FILESIZE_EXCEEDED { return .tooLarge }
        switch rc {
        case CURLE_OPERATION_TIMEDOUT: return .timeout
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: return .unreachable
        case CURLE_TOO_MANY_REDIRECTS: return .tooManyRedirects
        case CURLE_URL_MALFORMAT, CURLE_UNSUPPORTED_PROTOCOL: return .badURL
        case CURLE_ABORTED_BY_CALLBACK: return cancel.isCancelled ? .cancelled : .transport
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
            CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH:
            return .tls
        default: return .transport
        }
    }

    private func failure(_ kind: FetchError.Kind, _ rc: CURLcode, _ message: String) -> FetchError {
        FetchError(kind: kind, curlCode: Int32(rc.rawValue), message: message, url: request.url)
    }

    static func milliseconds(_ seconds: Double) -> Int {
        guard seconds.isFinite, seconds > 0 else { return 1 }
        return Int(min(seconds, 86_400) * 1000)
    }

    // MARK: Callbacks (called by libcurl on this transfer's thread)

    func receive(_ data: UnsafeMutablePointer<CChar>, _ count: Int) -> Int {
        guard body.count + count <= options.maximumResponseBytes else {
            exceededLimit = true
            return 0  // anything but `count` makes libcurl stop with CURLE_WRITE_ERROR
        }
        data.withMemoryRebound(to: UInt8.self, capacity: count) { body.append(contentsOf: UnsafeBufferPointer(start: $0, count: count)) }
        return count
    }

    func receiveHeader(_ data: UnsafeMutablePointer<CChar>, _ count: Int) -> Int {
        let line = data.withMemoryRebound(to: UInt8.self, capacity: count) {
            String(decoding: UnsafeBufferPointer(start: $0, count: count), as: UTF8.self)
        }
        if line.hasPrefix("HTTP/") {
            headers.removeAll()  // a new response (after a redirect or a 100): keep only the last one's
        } else if let colon = line.firstIndex(of: ":"), headers.count < 200 {
            let name = String(line[..<colon]).trimmingSpaces()
            let value = String(line[line.index(after: colon)...]).trimmingSpaces()
            headers.append((name, value))
        }
        return count
    }
}

private let curlWriteBody: ccurl_data_fn = { data, size, count, context in
    guard let data, let context else { return 0 }
    return Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue().receive(data, size * count)
}

private let curlWriteHeader: ccurl_data_fn = { data, size, count, context in
    guard let data, let context else { return 0 }
    return Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue().receiveHeader(data, size * count)
}

private let curlProgress: ccurl_xferinfo_fn = { context, _, _, _, _ in
    guard let context else { return 0 }
    return Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue().cancel.isCancelled ? 1 : 0
}

extension String {
    /// Without leading and trailing spaces, tabs, CR and LF ("\r\n" is one Character, so this works on bytes).
    func trimmingSpaces() -> String {
        let bytes = Array(utf8)
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0d || $0 == 0x0a }
        guard let start = bytes.firstIndex(where: { !isSpace($0) }), let end = bytes.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(decoding: bytes[start...end], as: UTF8.self)
    }
}
