extension Substring {
    /// The non-empty pieces between bytes `isSeparator` accepts, found on the UTF-8 bytes rather than
    /// Characters (no grapheme breaking): for machine-written text whose separators are ASCII, such as
    /// `/proc` files. A separator byte is never inside a multi-byte character, so each piece is whole.
    public func split(onBytes isSeparator: (UInt8) -> Bool) -> [Substring] {
        utf8.split(whereSeparator: isSeparator).map { self[$0.startIndex..<$0.endIndex] }
    }
}
