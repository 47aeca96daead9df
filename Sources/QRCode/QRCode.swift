internal import CQREncode

#if canImport(Glibc)
    import Glibc
#endif

/// QR codes as SVG through libqrencode: the `otpauth://` URI a user scans to enrol an authenticator app (TOTP).
public enum QRCode {
    /// Modules of light border around the symbol, as ISO/IEC 18004 asks.
    public static let quietZone = 4

    /// An SVG of `text` encoded at error correction level M in 8-bit mode (UTF-8, case kept): a white square and one
    /// black `<path>` of the dark modules, `viewBox` in modules (quiet zone included), nothing external.
    public static func svg(for text: String) throws(QRCodeError) -> String {
        let (width, dark) = try modules(for: text)
        let size = width + 2 * quietZone
        var path = ""
        // One subpath per horizontal run of dark modules: `M x y h n v 1 h -n z`.
        for y in 0..<width {
            var x = 0
            while x < width {
                guard dark[y * width + x] else {
                    x += 1
                    continue
                }
                var run = 1
                while x + run < width && dark[y * width + x + run] { run += 1 }
                path += "M\(x + quietZone) \(y + quietZone)h\(run)v1h-\(run)z"
                x += run
            }
        }
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(size) \(size)\" shape-rendering=\"crispEdges\">"
            + "<rect width=\"\(size)\" height=\"\(size)\" fill=\"#fff\"/><path fill=\"#000\" d=\"\(path)\"/></svg>"
    }

    /// The symbol's width in modules and its modules row by row, true for dark.
    static func modules(for text: String) throws(QRCodeError) -> (width: Int, dark: [Bool]) {
        guard !text.isEmpty, !text.utf8.contains(0) else {
            throw QRCodeError(kind: .invalidInput, call: "", code: 0, message: "the text is empty or has a NUL byte")
        }
        errno = 0
        // Version 0: the smallest symbol that holds the text. Debian builds libqrencode thread-safe.
        guard let code = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1) else {
            let number = errno
            let kind: QRCodeError.Kind = number == ERANGE ? .tooLong : number == EINVAL ? .invalidInput : .failed
            let message =
                kind == .tooLong ? "the text (\(text.utf8.count) bytes) is too long for a QR code" : String(cString: strerror(number))
            throw QRCodeError(kind: kind, call: "QRcode_encodeString", code: number, message: message)
        }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        // Bit 0 of each byte: 1 is a dark module; the other bits say what the module is for.
        let dark = (0..<width * width).map { code.pointee.data[$0] & 1 == 1 }
        return (width, dark)
    }
}
