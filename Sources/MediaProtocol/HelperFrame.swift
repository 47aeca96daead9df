/// The framing on the daemon ↔ media helper pipes: a 4-byte little-endian payload length, then that many
/// bytes of JSON (one `HelperRequest` or `HelperReply`). A frame over `maximumBytes` is a protocol error.
public enum HelperFrame {
    /// The largest payload either side accepts (a batch of file facts stays far below it).
    public static let maximumBytes = 16 << 20

    /// The 4-byte header of a payload of `count` bytes.
    public static func header(count: Int) -> [UInt8] {
        precondition(count >= 0 && count <= maximumBytes, "frame of \(count) bytes")
        let value = UInt32(count)
        return [UInt8(value & 0xff), UInt8((value >> 8) & 0xff), UInt8((value >> 16) & 0xff), UInt8(value >> 24)]
    }

    /// The payload length a header announces, or nil when it is over the limit.
    public static func length(header: [UInt8]) -> Int? {
        guard header.count == 4 else { return nil }
        let value = Int(header[0]) | Int(header[1]) << 8 | Int(header[2]) << 16 | Int(header[3]) << 24
        return value <= maximumBytes ? value : nil
    }
}
