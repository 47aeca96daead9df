import FoundationEssentials

/// JSON for the frame payloads (`HelperFrame`), the same on both sides of the pipe.
public enum HelperCodec {
    public static func encode(_ request: HelperRequest) -> [UInt8] { encodeValue(request) }
    public static func encode(_ reply: HelperReply) -> [UInt8] { encodeValue(reply) }

    public static func request(_ payload: [UInt8]) throws(HelperFailure) -> HelperRequest { try decodeValue(payload) }
    public static func reply(_ payload: [UInt8]) throws(HelperFailure) -> HelperReply { try decodeValue(payload) }

    private static func encodeValue(_ value: some Encodable) -> [UInt8] {
        // Every message is plain strings, numbers and arrays: encoding cannot fail.
        guard let data = try? JSONEncoder().encode(value) else { preconditionFailure("unencodable helper message") }
        return [UInt8](data)
    }

    private static func decodeValue<T: Decodable>(_ payload: [UInt8]) throws(HelperFailure) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(payload))
        } catch {
            throw HelperFailure(.crashed, "media helper protocol error: \(error)")
        }
    }
}
