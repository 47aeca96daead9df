@testable import HTTP
@testable import Routes

/// Client frames as the server reads them: a buffer of frames back to back (what one read may hold),
/// parsed until it needs more or refuses. A frame never claims more bytes than it was given, and a
/// server frame of the same payload parses back (masked with a key from the input).
func fuzzWebSocket(_ input: [UInt8]) {
    let maxPayload = 1 << 16
    var rest = input[...]
    while true {
        switch WebSocketFrame.parse(rest, maxPayload: maxPayload) {
        case .needMore:
            return
        case .violation(let code, _):
            guard [1002, 1007, 1008, 1009].contains(code) else { violated("close code \(code)", input) }
            return
        case .frame(let frame, let consumed):
            guard consumed > 0, consumed <= rest.count else { violated("consumed \(consumed) of \(rest.count)", input) }
            guard frame.payload.count <= maxPayload else { violated("payload over the limit", input) }
            roundTrip(frame, key: Array(rest.prefix(4)), input)
            rest = rest.dropFirst(consumed)
        }
    }
}

/// The server's encoding of a frame, masked as a client would send it, parses to the same frame.
private func roundTrip(_ frame: WebSocketFrame, key: [UInt8], _ input: [UInt8]) {
    var bytes = WebSocketFrame.encode(opcode: frame.opcode, payload: frame.payload, fin: frame.fin)
    let headerLength = bytes.count - frame.payload.count
    bytes[1] |= 0x80
    let mask = key.count == 4 ? key : [1, 2, 3, 4]
    bytes.insert(contentsOf: mask, at: headerLength)
    for index in 0..<frame.payload.count { bytes[headerLength + 4 + index] ^= mask[index & 3] }
    guard case .frame(let again, let consumed) = WebSocketFrame.parse(bytes[...], maxPayload: 1 << 16),
        again == frame, consumed == bytes.count
    else { violated("encode then parse changed the frame", input) }
}
