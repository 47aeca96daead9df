/// Percent-decoding of a request target's path and query (RFC 3986 §2.1).
enum PercentDecoding {
    /// The decoded path, or nil for a bad escape, an escaped NUL or bytes that are not UTF-8.
    static func path(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String? {
        var index = range.lowerBound
        while index < range.upperBound, bytes[index] != UInt8(ascii: "%") { index += 1 }
        if index == range.upperBound { return HeadParser.text(bytes, range) }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(range.count)
        index = range.lowerBound
        while index < range.upperBound {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < range.upperBound, let high = hex(bytes[index + 1]), let low = hex(bytes[index + 2]) else { return nil }
                let value = high << 4 | low
                if value == 0 { return nil }
                decoded.append(value)
                index += 3
            } else {
                decoded.append(byte)
                index += 1
            }
        }
        return String(validating: decoded, as: UTF8.self)
    }

    /// `name=value` pairs split on `&`, `+` as a space; a bad escape is kept as it was written.
    static func query(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> [String: String] {
        var result: [String: String] = [:]
        var start = range.lowerBound
        while start <= range.upperBound {
            var end = start
            while end < range.upperBound, bytes[end] != UInt8(ascii: "&") { end += 1 }
            if end > start {
                var equals = start
                while equals < end, bytes[equals] != UInt8(ascii: "=") { equals += 1 }
                let name = component(bytes, start..<equals)
                let value = equals < end ? component(bytes, (equals + 1)..<end) : ""
                result[name] = value
            }
            start = end + 1
        }
        return result
    }

    private static func component(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        var decoded: [UInt8] = []
        decoded.reserveCapacity(range.count)
        var index = range.lowerBound
        while index < range.upperBound {
            let byte = bytes[index]
            if byte == UInt8(ascii: "%"), index + 2 < range.upperBound, let high = hex(bytes[index + 1]), let low = hex(bytes[index + 2]) {
                decoded.append(high << 4 | low)
                index += 3
            } else {
                decoded.append(byte == UInt8(ascii: "+") ? 0x20 : byte)
                index += 1
            }
        }
        return String(decoding: decoded, as: UTF8.self)
    }

    /// The value of a hex digit, either case.
    static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }
}
