internal import CCurl

#if canImport(Glibc)
    import Glibc
#endif

/// libcurl, loaded on the first outgoing request rather than linked. Linking it maps and relocates the 28
/// libraries it links in turn (GnuTLS, Kerberos, LDAP, SASL, RTMP, SSH …) in every daemon at start: 0.5 MB of
/// the idle daemon's memory, private to it, and three quarters of the dynamic loader's symbol lookups, on a box
/// that may never make an outgoing request (`docs/performance.md`). Loaded once; never closed.
final class CurlLibrary: Sendable {
    typealias EasyInit = @convention(c) () -> UnsafeMutableRawPointer?
    typealias EasyCleanup = @convention(c) (UnsafeMutableRawPointer?) -> Void
    typealias EasyPerform = @convention(c) (UnsafeMutableRawPointer?) -> CURLcode
    typealias EasyStringError = @convention(c) (CURLcode) -> UnsafePointer<CChar>?
    typealias ListAppend = @convention(c) (UnsafeMutablePointer<curl_slist>?, UnsafePointer<CChar>?) -> UnsafeMutablePointer<curl_slist>?
    typealias ListFree = @convention(c) (UnsafeMutablePointer<curl_slist>?) -> Void
    typealias GlobalInit = @convention(c) (Int) -> CURLcode

    static let soname = "libcurl.so.4"

    /// Loaded (and `curl_global_init` run) once per process, on first use; the reason it could not be, instead.
    static let shared: Result<CurlLibrary, LoadError> = load()

    struct LoadError: Error {
        let message: String
    }

    /// The library, loaded on the first call.
    static func loaded() throws(LoadError) -> CurlLibrary {
        try shared.get()
    }

    let easyInit: EasyInit
    let easyCleanup: EasyCleanup
    let easyPerform: EasyPerform
    let listAppend: ListAppend
    let listFree: ListFree
    private let easyStringError: EasyStringError
    // The variadic two, handed to shim.h's typed wrappers (addresses from dlsym, valid for the process's life).
    nonisolated(unsafe) private let setopt: UnsafeMutableRawPointer
    nonisolated(unsafe) private let getinfo: UnsafeMutableRawPointer

    private init(_ handle: UnsafeMutableRawPointer) throws(LoadError) {
        func address(_ name: String) throws(LoadError) -> UnsafeMutableRawPointer {
            guard let address = dlsym(handle, name) else { throw LoadError(message: "\(Self.soname) has no \(name)") }
            return address
        }
        func symbol<T>(_ name: String, as type: T.Type) throws(LoadError) -> T {
            unsafeBitCast(try address(name), to: type)
        }
        easyInit = try symbol("curl_easy_init", as: EasyInit.self)
        easyCleanup = try symbol("curl_easy_cleanup", as: EasyCleanup.self)
        easyPerform = try symbol("curl_easy_perform", as: EasyPerform.self)
        easyStringError = try symbol("curl_easy_strerror", as: EasyStringError.self)
        listAppend = try symbol("curl_slist_append", as: ListAppend.self)
        listFree = try symbol("curl_slist_free_all", as: ListFree.self)
        setopt = try address("curl_easy_setopt")
        getinfo = try address("curl_easy_getinfo")
        let globalInit = try symbol("curl_global_init", as: GlobalInit.self)
        let rc = globalInit(Int(CURL_GLOBAL_DEFAULT))
        guard rc == CURLE_OK else { throw LoadError(message: "curl_global_init failed: \(message(rc))") }
    }

    private static func load() -> Result<CurlLibrary, LoadError> {
        guard let handle = dlopen(soname, RTLD_NOW | RTLD_LOCAL) else {
            let reason = dlerror().map { String(cString: $0) } ?? "unknown error"
            return .failure(LoadError(message: "cannot load \(soname): \(reason)"))
        }
        do {
            return .success(try CurlLibrary(handle))
        } catch {
            return .failure(error)
        }
    }

    /// libcurl's text for a code.
    func message(_ rc: CURLcode) -> String {
        easyStringError(rc).map { String(cString: $0) } ?? "libcurl error \(rc.rawValue)"
    }

    /// The transfer's error buffer if libcurl wrote one, else libcurl's text for the code.
    func message(_ rc: CURLcode, _ buffer: UnsafeMutablePointer<CChar>) -> String {
        let detail = String(cString: buffer)
        return detail.isEmpty ? message(rc) : detail
    }

    // MARK: curl_easy_setopt and curl_easy_getinfo, one typed call per argument kind

    func set(_ handle: UnsafeMutableRawPointer, _ option: CURLoption, long value: Int) -> CURLcode {
        ccurl_setopt_long(setopt, handle, option, value)
    }

    func set(_ handle: UnsafeMutableRawPointer, _ option: CURLoption, string value: String) -> CURLcode {
        ccurl_setopt_string(setopt, handle, option, value)
    }

    func set(_ handle: UnsafeMutableRawPointer, _ option: CURLoption, pointer value: UnsafeMutableRawPointer?) -> CURLcode {
        ccurl_setopt_pointer(setopt, handle, option, value)
    }

    func set(_ handle: UnsafeMutableRawPointer, _ option: CURLoption, offset value: curl_off_t) -> CURLcode {
        ccurl_setopt_off(setopt, handle, option, value)
    }

    /// `CURLOPT_WRITEFUNCTION`, `CURLOPT_HEADERFUNCTION` or `CURLOPT_READFUNCTION`.
    func set(_ handle: UnsafeMutableRawPointer, _ option: CURLoption, data function: ccurl_data_fn) -> CURLcode {
        ccurl_setopt_data_fn(setopt, handle, option, function)
    }

    func setProgress(_ handle: UnsafeMutableRawPointer, _ function: ccurl_xferinfo_fn) -> CURLcode {
        ccurl_setopt_xferinfo_fn(setopt, handle, function)
    }

    func setDebug(_ handle: UnsafeMutableRawPointer, _ function: ccurl_debug_fn) -> CURLcode {
        ccurl_setopt_debug_fn(setopt, handle, function)
    }

    func info(_ handle: UnsafeMutableRawPointer, _ info: CURLINFO) -> Int {
        var value = 0
        _ = ccurl_getinfo_long(getinfo, handle, info, &value)
        return value
    }
}
