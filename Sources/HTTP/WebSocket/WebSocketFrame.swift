/// One RFC 6455 frame, and the codec for the server side: client frames must be masked, server frames
/// are not. Pure logic, no I/O.
struct WebSocketFrame: Equatable {
    static let continuation: UInt8 = 0x0
    static let text: UInt8 = 0x1
    static let binary: UInt8 = 0x2
    static let close: UInt8 = 0x8
    static let ping: UInt8 = 0x9
    static let pong: UInt8 = 0xA

    var fin: Bool
    var opcode: UInt8
    var payload: [UInt8]

    enum Parsed: Equatable {
        /// A frame and how many bytes of the buffer it used.
        case frame(WebSocketFrame, consumed: Int)
        case needMore
        /// A protocol violation: the connection closes with this status code.
        case violation(UInt16, String)
    }

    /// Encodes an unmasked server frame.
    static func encode(opcode: UInt8, payload: [UInt8], fin: Bool = true) -> [UInt8] {
        var bytes: [UInt8] = [(fin ? 0x80 : 0) | opcode]
        let count = payload.count
        if count < 126 {
            bytes.append(UInt8(count))
        } else if count <= 0xFFFF {
            bytes.append(126)
            bytes.append(UInt8(count >> 8))
            bytes.append(UInt8(count & 0xFF))
        } else {
            bytes.append(127)
            for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8((UInt64(count) >> UInt64(shift)) & 0xFF)) }
        }
        bytes.append(contentsOf: payload)
        return bytes
    }

    /// Parses one client frame from the start of `buffer`.
    static func parse(_ buffer: ArraySlice<UInt8>, maxPayload: Int) -> Parsed {
        guard buffer.count >= 2 else { return .needMore }
        let start = buffer.startIndex
        let first = buffer[start]
        let second = buffer[start + 1]
        if first & 0x70 != 0 { return .violation(1002, "reserved bits set") }
        let opcode = first & 0x0F
        let fin = first & 0x80 != 0
        guard second & 0x80 != 0 else { return .violation(1002, "client frame not masked") }
        var length = UInt64(second & 0x7F)
        var offset = 2
        if length == 126 {
            guard buffer.count >= 4 else { return .needMore }
            length = UInt64(buffer[start + 2]) << 8 | UInt64(buffer[start + 3])
            offset = 4
        } else if length == 127 {
            guard buffer.count >= 10 else { return .needMore }
            length = 0
            for index in 2..<10 { length = length << 8 | UInt64(buffer[start + index]) }
            offset = 10
        }
        if opcode >= 0x8 && (length > 125 || !fin) { return .violation(1002, "bad control frame") }
        guard length <= UInt64(maxPayload) else { return .violation(1009, "message too big") }
        guard buffer.count >= offset + 4 + Int(length) else { return .needMore }
        let mask = Array(buffer[(start + offset)..<(start + offset + 4)])
        offset += 4
        var payload = Array(buffer[(start + offset)..<(start + offset + Int(length))])
        for index in payload.indices { payload[index] ^= mask[index & 3] }
        return .frame(WebSocketFrame(fin: fin, opcode: opcode, payload: payload), consumed: offset + Int(length))
    }
}
