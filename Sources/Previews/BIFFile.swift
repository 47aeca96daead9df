/// The BIF container Plex reads for seek previews: a header, an index of JPEG offsets and the JPEGs.
/// Layout (all integers little-endian u32): magic, version 0, count, separation in ms, zero padding
/// to 0x40, `count` entries of (frame index, offset), a sentinel (0xFFFFFFFF, end offset), the JPEGs.
public enum BIFFile {
    public static let magic: [UInt8] = [0x89, 0x42, 0x49, 0x46, 0x0D, 0x0A, 0x1A, 0x0A]
    static let headerSize = 64
    /// Plex and Roku readers keep offsets in u32: a BIF cannot exceed 4 GiB.
    public static let maximumSize = Int(UInt32.max)

    /// Packs `images` (JPEG bytes, in time order) taken every `intervalSeconds` seconds.
    public static func encode(images: [[UInt8]], intervalSeconds: Int) throws(BIFError) -> [UInt8] {
        guard (1...3600).contains(intervalSeconds) else { throw .invalidInterval(intervalSeconds) }
        let dataStart = headerSize + 8 * images.count + 8
        let total = images.reduce(dataStart) { $0 + $1.count }
        guard total <= maximumSize else { throw .tooLarge(total) }
        var out: [UInt8] = []
        out.reserveCapacity(total)
        out += magic
        appendU32(&out, 0)
        appendU32(&out, UInt32(images.count))
        appendU32(&out, UInt32(intervalSeconds * 1000))
        out += [UInt8](repeating: 0, count: headerSize - out.count)
        var offset = dataStart
        for (index, image) in images.enumerated() {
            appendU32(&out, UInt32(index))
            appendU32(&out, UInt32(offset))
            offset += image.count
        }
        appendU32(&out, 0xFFFF_FFFF)
        appendU32(&out, UInt32(offset))
        for image in images { out += image }
        return out
    }

    /// Reads a BIF back: the separation in milliseconds and each image's bytes.
    public static func decode(_ bytes: [UInt8]) throws(BIFError) -> (separationMilliseconds: Int, images: [[UInt8]]) {
        guard bytes.count >= headerSize + 8, Array(bytes[0..<8]) == magic else { throw .malformed("bad magic or too short") }
        let count = Int(readU32(bytes, 12))
        let separation = Int(readU32(bytes, 16))
        let indexEnd = headerSize + 8 * count + 8
        guard count < bytes.count, indexEnd <= bytes.count else { throw .malformed("index of \(count) entries overruns the file") }
        let sentinel = headerSize + 8 * count
        guard readU32(bytes, sentinel) == 0xFFFF_FFFF else { throw .malformed("missing index sentinel") }
        var offsets: [Int] = []
        for index in 0...count { offsets.append(Int(readU32(bytes, headerSize + 8 * index + 4))) }
        var images: [[UInt8]] = []
        for index in 0..<count {
            let start = offsets[index], end = offsets[index + 1]
            guard start >= indexEnd, start <= end, end <= bytes.count else {
                throw .malformed("image \(index) offsets \(start)..\(end) are out of bounds")
            }
            images.append(Array(bytes[start..<end]))
        }
        return (separation, images)
    }

    private static func appendU32(_ out: inout [UInt8], _ value: UInt32) {
        out += [UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF), UInt8((value >> 16) & 0xFF), UInt8(value >> 24)]
    }

    private static func readU32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
    }
}

/// Why a BIF could not be written or read.
public enum BIFError: Error, CustomStringConvertible, Equatable, Sendable {
    case invalidInterval(Int)
    case tooLarge(Int)
    case malformed(String)

    public var description: String {
        switch self {
        case .invalidInterval(let seconds): "interval \(seconds) s is outside 1...3600"
        case .tooLarge(let bytes): "BIF of \(bytes) bytes exceeds the 4 GiB format limit"
        case .malformed(let why): "malformed BIF: \(why)"
        }
    }
}
