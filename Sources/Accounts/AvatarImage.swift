/// What an uploaded avatar is, read from its bytes rather than from what the client declared: PNG,
/// JPEG, GIF or WebP (003's list), its pixel size, and whether it is animated. Anything else, a
/// truncated header, an empty image or one larger than `maximumSide` is refused, so the appliance
/// only ever serves back images of the type it names.
public struct AvatarImage: Sendable, Equatable {
    public static let maximumBytes = 1 << 20
    public static let maximumSide = 4096
    public static let mimeTypes = ["image/png", "image/jpeg", "image/gif", "image/webp"]

    public let mimeType: String
    public let width: Int
    public let height: Int
    public let isAnimated: Bool

    /// Reads the image header; `invalid(field: "file")` for anything that is not one of the four types.
    public init(sniffing bytes: [UInt8]) throws(AccountError) {
        guard !bytes.isEmpty else { throw .invalid(field: "file", reason: "is empty") }
        guard bytes.count <= Self.maximumBytes else { throw .invalid(field: "file", reason: "must be at most \(Self.maximumBytes) bytes") }
        guard let (mimeType, width, height, animated) = Self.png(bytes) ?? Self.gif(bytes) ?? Self.webp(bytes) ?? Self.jpeg(bytes) else {
            throw .invalid(field: "file", reason: "must be a PNG, JPEG, GIF or WebP image")
        }
        guard (1...Self.maximumSide).contains(width), (1...Self.maximumSide).contains(height) else {
            throw .invalid(field: "file", reason: "must be 1 to \(Self.maximumSide) pixels on each side")
        }
        self.mimeType = mimeType
        self.width = width
        self.height = height
        self.isAnimated = animated
    }

    private typealias Header = (String, Int, Int, Bool)

    /// Signature, then the IHDR chunk; an `acTL` chunk before the image data makes it an APNG.
    private static func png(_ b: [UInt8]) -> Header? {
        guard b.count >= 33, b.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), b[12..<16].elementsEqual(Array("IHDR".utf8))
        else { return nil }
        var animated = false
        var offset = 8
        while offset + 8 <= b.count {
            let length = Int(bigEndian32(b, offset))
            let type = b[(offset + 4)..<(offset + 8)]
            if type.elementsEqual(Array("acTL".utf8)) { animated = true }
            if type.elementsEqual(Array("IDAT".utf8)) || length > b.count { break }
            offset += 12 + length
        }
        return ("image/png", Int(bigEndian32(b, 16)), Int(bigEndian32(b, 20)), animated)
    }

    /// `GIF87a`/`GIF89a` and the logical screen size; the NETSCAPE2.0 extension loops an animation.
    private static func gif(_ b: [UInt8]) -> Header? {
        guard b.count >= 10, b.starts(with: Array("GIF87a".utf8)) || b.starts(with: Array("GIF89a".utf8)) else { return nil }
        let animated = contains(b, Array("NETSCAPE2.0".utf8))
        return ("image/gif", Int(b[6]) | Int(b[7]) << 8, Int(b[8]) | Int(b[9]) << 8, animated)
    }

    /// A RIFF `WEBP` file whose first chunk is `VP8X` (extended: canvas size, animation flag),
    /// `VP8L` (lossless) or `VP8 ` (lossy key frame).
    private static func webp(_ b: [UInt8]) -> Header? {
        guard b.count >= 30, b.starts(with: Array("RIFF".utf8)), b[8..<12].elementsEqual(Array("WEBP".utf8)) else { return nil }
        let chunk = b[12..<16]
        if chunk.elementsEqual(Array("VP8X".utf8)) {
            let width = 1 + (Int(b[24]) | Int(b[25]) << 8 | Int(b[26]) << 16)
            let height = 1 + (Int(b[27]) | Int(b[28]) << 8 | Int(b[29]) << 16)
            return ("image/webp", width, height, b[20] & 0x02 != 0)
        }
        if chunk.elementsEqual(Array("VP8L".utf8)), b[20] == 0x2F {
            let bits = UInt32(b[21]) | UInt32(b[22]) << 8 | UInt32(b[23]) << 16 | UInt32(b[24]) << 24
            return ("image/webp", Int(bits & 0x3FFF) + 1, Int((bits >> 14) & 0x3FFF) + 1, false)
        }
        if chunk.elementsEqual(Array("VP8 ".utf8)), b[23] == 0x9D, b[24] == 0x01, b[25] == 0x2A {
            return ("image/webp", (Int(b[26]) | Int(b[27]) << 8) & 0x3FFF, (Int(b[28]) | Int(b[29]) << 8) & 0x3FFF, false)
        }
        return nil
    }

    /// SOI, then the segments up to the first start-of-frame marker, which holds the size.
    private static func jpeg(_ b: [UInt8]) -> Header? {
        guard b.count >= 4, b[0] == 0xFF, b[1] == 0xD8, b[2] == 0xFF else { return nil }
        var offset = 2
        while offset + 4 <= b.count {
            guard b[offset] == 0xFF else { return nil }
            let marker = b[offset + 1]
            if marker == 0xFF {
                offset += 1
                continue
            }
            // Markers without a length: TEM and RST0–7.
            if marker == 0x01 || (0xD0...0xD7).contains(marker) {
                offset += 2
                continue
            }
            let length = Int(b[offset + 2]) << 8 | Int(b[offset + 3])
            guard length >= 2 else { return nil }
            // SOF0–15 except DHT (C4), JPG (C8) and DAC (CC).
            if (0xC0...0xCF).contains(marker), marker != 0xC4, marker != 0xC8, marker != 0xCC {
                guard offset + 9 <= b.count else { return nil }
                let height = Int(b[offset + 5]) << 8 | Int(b[offset + 6])
                let width = Int(b[offset + 7]) << 8 | Int(b[offset + 8])
                return ("image/jpeg", width, height, false)
            }
            if marker == 0xDA || marker == 0xD9 { return nil }
            offset += 2 + length
        }
        return nil
    }

    private static func bigEndian32(_ b: [UInt8], _ offset: Int) -> UInt32 {
        guard offset + 4 <= b.count else { return 0 }
        return UInt32(b[offset]) << 24 | UInt32(b[offset + 1]) << 16 | UInt32(b[offset + 2]) << 8 | UInt32(b[offset + 3])
    }

    private static func contains(_ bytes: [UInt8], _ needle: [UInt8]) -> Bool {
        guard bytes.count >= needle.count, let first = needle.first else { return false }
        var index = 0
        while index <= bytes.count - needle.count {
            if bytes[index] == first, bytes[index..<(index + needle.count)].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }
}
