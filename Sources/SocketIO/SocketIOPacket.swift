import Core

/// One Socket.IO (protocol 5) packet, as carried in an Engine.IO message: `<type>[/ns,][id][json]`.
/// The binary types (5 and 6) are refused: this server's events are JSON only.
struct SocketIOPacket: Equatable, Sendable {
    enum Kind: Int, Sendable {
        case connect = 0, disconnect, event, ack, connectError, binaryEvent, binaryAck
    }

    var kind: Kind
    var namespace: String = "/"
    /// The acknowledgement id of an event that wants one, or of an ack.
    var id: Int?
    var data: JSON?

    enum DecodeError: Error, Equatable {
        case malformed(String)
        case binary
    }

    /// Longest namespace name taken.
    static let maxNamespace = 128

    static func decode(_ text: String) throws(DecodeError) -> SocketIOPacket {
        var rest = Substring(text)
        guard let first = rest.first, let digit = first.wholeNumberValue, let kind = Kind(rawValue: digit) else {
            throw .malformed("unknown packet type")
        }
        rest = rest.dropFirst()
        if kind == .binaryEvent || kind == .binaryAck { throw .binary }
        var packet = SocketIOPacket(kind: kind)
        if rest.first == "/" {
            let end = rest.firstIndex(of: ",") ?? rest.endIndex
            let name = rest[..<end]
            guard name.utf8.count <= maxNamespace else { throw .malformed("namespace too long") }
            packet.namespace = String(name)
            rest = end == rest.endIndex ? rest[end...] : rest[rest.index(after: end)...]
        }
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        if !digits.isEmpty {
            guard digits.count <= 15, let id = Int(digits) else { throw .malformed("acknowledgement id too long") }
            packet.id = id
            rest = rest.dropFirst(digits.count)
        }
        if !rest.isEmpty {
            do {
                packet.data = try JSON.parseStrict(Array(rest.utf8))
            } catch {
                throw .malformed("payload is not JSON")
            }
        }
        try packet.validate()
        return packet
    }

    /// What each type's payload must be (protocol 5): CONNECT an object when given, EVENT a non-empty
    /// array naming the event, ACK an array, CONNECT_ERROR an object.
    private func validate() throws(DecodeError) {
        switch kind {
        case .connect, .connectError:
            if let data, data.objectValue == nil { throw .malformed("payload must be an object") }
        case .disconnect:
            if data != nil { throw .malformed("DISCONNECT takes no payload") }
        case .event:
            guard let array = data?.arrayValue, array.first?.stringValue != nil else {
                throw .malformed("EVENT payload must be an array starting with the event name")
            }
        case .ack:
            guard id != nil, data?.arrayValue != nil else { throw .malformed("ACK needs an id and an array") }
        case .binaryEvent, .binaryAck:
            throw .binary
        }
    }

    var encoded: String {
        var text = String(kind.rawValue)
        if namespace != "/" { text += namespace + "," }
        if let id { text += String(id) }
        if let data { text += String(decoding: data.encoded(), as: UTF8.self) }
        return text
    }

    /// An EVENT packet: `[name, …args]`.
    static func event(_ name: String, _ args: [JSON], namespace: String, id: Int? = nil) -> SocketIOPacket {
        SocketIOPacket(kind: .event, namespace: namespace, id: id, data: .array([.string(name)] + args))
    }
}
