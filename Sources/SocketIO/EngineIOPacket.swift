/// One Engine.IO (protocol 4) packet: a type digit and, for some types, a text payload. Binary
/// packets (`b…` in a polling payload, binary frames on a WebSocket) are not taken: this server speaks
/// JSON events only.
enum EngineIOPacket: Equatable, Sendable {
    case open(String)
    case close
    case ping(String)
    case pong(String)
    /// A Socket.IO packet.
    case message(String)
    case upgrade
    case noop

    /// The packet of `text`, or nil for an unknown type or a binary packet.
    static func decode(_ text: Substring) -> EngineIOPacket? {
        guard let type = text.first else { return nil }
        let rest = String(text.dropFirst())
        switch type {
        case "0": return .open(rest)
        case "1": return .close
        case "2": return .ping(rest)
        case "3": return .pong(rest)
        case "4": return .message(rest)
        case "5": return .upgrade
        case "6": return .noop
        default: return nil
        }
    }

    var encoded: String {
        switch self {
        case .open(let data): "0" + data
        case .close: "1"
        case .ping(let data): "2" + data
        case .pong(let data): "3" + data
        case .message(let data): "4" + data
        case .upgrade: "5"
        case .noop: "6"
        }
    }

    /// The record separator that joins packets in a long-polling body.
    static let separator: Character = "\u{1E}"

    /// The packets of a polling body; nil when any is not a packet this server takes.
    static func decodePayload(_ body: String) -> [EngineIOPacket]? {
        var packets: [EngineIOPacket] = []
        for part in body.split(separator: separator, omittingEmptySubsequences: false) {
            guard let packet = decode(part) else { return nil }
            packets.append(packet)
        }
        return packets
    }

    /// Encoded packets joined into one polling body.
    static func encodePayload(_ packets: [String]) -> String {
        packets.joined(separator: String(separator))
    }
}
