public import Core

/// How the appliance introduces itself to Plex: the `X-Plex-*` headers on every request.
/// `clientIdentifier` must stay the same for the life of the install (keep it in state).
public struct PlexClientInfo: Sendable, Equatable {
    public var clientIdentifier: String
    public var product: String
    public var version: String
    public var deviceName: String
    public var platform: String

    public init(
        clientIdentifier: String, product: String = "applianced", version: String = ApplianceVersion.current,
        deviceName: String = "applianced", platform: String = "Linux"
    ) {
        self.clientIdentifier = clientIdentifier
        self.product = product
        self.version = version
        self.deviceName = deviceName
        self.platform = platform
    }

    var headers: [(name: String, value: String)] {
        [
            ("Accept", "application/json"),
            ("X-Plex-Client-Identifier", clientIdentifier),
            ("X-Plex-Product", product),
            ("X-Plex-Version", version),
            ("X-Plex-Device-Name", deviceName),
            ("X-Plex-Platform", platform),
        ]
    }
}

/// Percent-encoding for URL query values (RFC 3986 unreserved characters pass through).
enum URLQuery {
    static func encode(_ value: String) -> String {
        PercentEncoding.encode(value)
    }

    /// `base` without a trailing slash, so paths can be appended.
    static func trimmed(_ base: String) -> String {
        var base = base
        while base.hasSuffix("/") { base.removeLast() }
        return base
    }
}
