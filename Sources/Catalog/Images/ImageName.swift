public import HTTP

/// One TMDb image as `/api/v1/images/{type}/{size}/{path}` names it, checked before any I/O: a known
/// type, one of TMDb's fixed sizes for it, and a plain file name (`[A-Za-z0-9_-]{1,64}` and an image
/// extension), so no name can climb out of the cache folder or reach another upstream path.
public struct ImageName: Sendable, Equatable {
    /// TMDb's sizes per image type (its `/configuration` lists are fixed).
    public static let sizes: [String: [String]] = [
        "poster": ["w92", "w154", "w185", "w342", "w500", "w780", "original"],
        "backdrop": ["w300", "w780", "w1280", "original"],
        "profile": ["w45", "w185", "h632", "original"],
        "still": ["w92", "w185", "w300", "original"],
        "logo": ["w45", "w92", "w154", "w185", "w300", "w500", "original"],
    ]
    static let contentTypes = ["jpg": "image/jpeg", "png": "image/png", "svg": "image/svg+xml", "webp": "image/webp"]

    public let size: String
    public let file: String

    /// Throws a 400 naming the parameter that is wrong.
    public init(type: String, size: String, file: String) throws(HTTPError) {
        guard let sizes = Self.sizes[type] else {
            throw HTTPError.badRequest("Invalid type: one of \(Self.sizes.keys.sorted().joined(separator: ", "))", detail: "type")
        }
        guard sizes.contains(size) else {
            throw HTTPError.badRequest("Invalid size for \(type): one of \(sizes.joined(separator: ", "))", detail: "size")
        }
        guard Self.isFileName(file) else {
            throw HTTPError.badRequest("Invalid path: a TMDb image file name such as abc123.jpg", detail: "path")
        }
        self.size = size
        self.file = file
    }

    /// `<size>/<file>`: the path under the cache folder and under TMDb's image base URL.
    public var relativePath: String { "\(size)/\(file)" }

    /// The media type its extension names.
    public var contentType: String {
        Self.contentTypes[String(file.split(separator: ".").last ?? "")] ?? "application/octet-stream"
    }

    /// `[A-Za-z0-9_-]{1,64}\.(jpg|png|svg|webp)`.
    static func isFileName(_ file: String) -> Bool {
        let parts = file.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, contentTypes[String(parts[1])] != nil, (1...64).contains(parts[0].utf8.count) else { return false }
        return parts[0].utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) || byte == 0x2D || byte == 0x5F
        }
    }
}
