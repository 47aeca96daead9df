/// TMDb's `language` parameter: an ISO 639-1 code with an optional region (`en`, `de`, `pt-BR`).
enum TMDbLanguage {
    /// Whether `text` is `[a-z]{2}(-[A-Z]{2})?`.
    static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        let lower = { (byte: UInt8) in (0x61...0x7A).contains(byte) }
        let upper = { (byte: UInt8) in (0x41...0x5A).contains(byte) }
        guard bytes.count == 2 || bytes.count == 5, lower(bytes[0]), lower(bytes[1]) else { return false }
        return bytes.count == 2 || (bytes[2] == 0x2D && upper(bytes[3]) && upper(bytes[4]))
    }
}
