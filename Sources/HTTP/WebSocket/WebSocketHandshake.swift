import Crypto

/// The server half of the RFC 6455 opening handshake: checks the client's headers and computes
/// `Sec-WebSocket-Accept`. The response writer adds `Connection: Upgrade` to the 101.
enum WebSocketHandshake {
    static let guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    /// The `Sec-WebSocket-Accept` value for a client key.
    static func accept(key: String) -> String {
        Base64.encode(Crypto.sha1(Array((key + guid).utf8)))
    }

    /// The accept value for a valid upgrade request, or the 4xx that explains what is wrong.
    static func validate(_ headers: Headers) throws(HTTPError) -> String {
        let upgrade = headers["Upgrade"]?.lowercased() ?? ""
        let connection = headers["Connection"]?.lowercased() ?? ""
        guard upgrade.contains("websocket"), connection.contains("upgrade") else {
            throw HTTPError(
                status: 426, code: "UPGRADE_REQUIRED", message: "This endpoint needs a WebSocket upgrade",
                headers: [("Upgrade", "websocket")])
        }
        guard headers["Sec-WebSocket-Version"] == "13" else {
            throw HTTPError(
                status: 426, code: "UPGRADE_REQUIRED", message: "Unsupported WebSocket version",
                headers: [("Sec-WebSocket-Version", "13")])
        }
        guard let key = headers["Sec-WebSocket-Key"], Base64.decode(key)?.count == 16 else {
            throw HTTPError.badRequest("Missing or malformed Sec-WebSocket-Key")
        }
        return accept(key: key)
    }
}
