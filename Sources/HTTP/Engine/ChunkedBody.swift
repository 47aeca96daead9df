/// Decodes a `chunked` body as it arrives (RFC 9112 §7.1): sizes in hex with a bound, extensions and
/// trailers bounded and checked, every CRLF strict. Trailer fields are read and dropped.
struct ChunkedBody {
    enum Outcome {
        case needMore
        case done
        case refused(HTTPError)
    }

    private enum State {
        case sizeLine
        case data(remaining: Int)
        case dataEnd
        case trailers(bytes: Int)
        case done
    }

    private var state = State.sizeLine

    /// Consumes what it can of `input`, appending data to `body`; `consumed` says how much it took.
    mutating func decode(
        _ input: UnsafeBufferPointer<UInt8>, into body: inout [UInt8], consumed: inout Int, limits: ParserLimits
    ) -> Outcome {
        var index = 0
        defer { consumed = index }
        while true {
            switch state {
            case .done:
                return .done
            case .sizeLine:
                guard let end = lineEnd(input, from: index, limit: limits.maxChunkLine) else {
                    if input.count - index > limits.maxChunkLine { return .refused(.malformed("A chunk-size line is longer than \(limits.maxChunkLine) bytes")) }
                    return .needMore
                }
                guard case .some(let lineEnd) = end else { return .refused(.malformed("A chunk-size line does not end with CRLF")) }
                switch chunkSize(input, index..<lineEnd) {
                case .failure(let error): return .refused(error)
                case .success(let size):
                    index = lineEnd + 2
                    if size == 0 {
                        state = .trailers(bytes: 0)
                    } else {
                        guard body.count + size <= limits.maxBodyBytes else { return .refused(HTTPError.payloadTooLarge(limit: limits.maxBodyBytes)) }
                        state = .data(remaining: size)
                    }
                }
            case .data(let remaining):
                let available = min(remaining, input.count - index)
                if available == 0 { return .needMore }
                body.append(contentsOf: UnsafeBufferPointer(rebasing: input[index..<index + available]))
                index += available
                state = remaining == available ? .dataEnd : .data(remaining: remaining - available)
            case .dataEnd:
                guard input.count - index >= 2 else { return .needMore }
                guard input[index] == HeadParser.cr, input[index + 1] == HeadParser.lf else {
                    return .refused(.malformed("Chunk data is not followed by CRLF"))
                }
                index += 2
                state = .sizeLine
            case .trailers(let bytes):
                let room = limits.maxTrailerBytes - bytes
                guard let end = lineEnd(input, from: index, limit: room) else {
                    if input.count - index > room { return .refused(.malformed("The trailer section is larger than \(limits.maxTrailerBytes) bytes")) }
                    return .needMore
                }
                guard case .some(let lineEnd) = end else { return .refused(.malformed("A trailer line does not end with CRLF")) }
                if lineEnd == index {
                    index += 2
                    state = .done
                    continue
                }
                if let refusal = trailerRefusal(input, index..<lineEnd) { return .refused(refusal) }
                state = .trailers(bytes: bytes + lineEnd + 2 - index)
                index = lineEnd + 2
            }
        }
    }

    /// The position of the CR of the next CRLF (`.some(.some)`), `.some(nil)` for a bare LF or CR,
    /// nil when no LF arrived within `limit` bytes yet.
    private func lineEnd(_ input: UnsafeBufferPointer<UInt8>, from start: Int, limit: Int) -> Int?? {
        var index = start
        let end = min(input.count, start + limit + 2)
        while index < end {
            let byte = input[index]
            if byte == HeadParser.lf { return index > start && input[index - 1] == HeadParser.cr ? .some(index - 1) : .some(nil) }
            if byte == HeadParser.cr, index + 1 < input.count, input[index + 1] != HeadParser.lf { return .some(nil) }
            index += 1
        }
        return nil
    }

    /// `1*HEXDIG *( BWS ";" BWS ext-name [ BWS "=" BWS ext-value ] )`: at most 8 hex digits; the
    /// extensions are visible characters, spaces and tabs, and ignored.
    private func chunkSize(_ input: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Result<Int, HTTPError> {
        var size = 0
        var index = range.lowerBound
        while index < range.upperBound, let digit = PercentDecoding.hex(input[index]).map(Int.init) {
            guard index - range.lowerBound < 8 else { return .failure(.malformed("A chunk size has more than 8 hex digits")) }
            size = size << 4 | digit
            index += 1
        }
        guard index > range.lowerBound else { return .failure(.malformed("A chunk-size line does not start with a hex size")) }
        guard index == range.upperBound || [HeadParser.space, HeadParser.tab, UInt8(ascii: ";")].contains(input[index]) else {
            return .failure(.malformed("A chunk size is followed by something other than an extension"))
        }
        for position in index..<range.upperBound {
            let byte = input[position]
            if byte < HeadParser.space && byte != HeadParser.tab || byte == 0x7F {
                return .failure(.malformed("A chunk extension holds a control character"))
            }
        }
        return .success(size)
    }

    private func trailerRefusal(_ input: UnsafeBufferPointer<UInt8>, _ line: Range<Int>) -> HTTPError? {
        var index = line.lowerBound
        while index < line.upperBound, HeadParser.isTokenByte(input[index]) { index += 1 }
        guard index > line.lowerBound, index < line.upperBound, input[index] == UInt8(ascii: ":") else {
            return .malformed("A trailer line is not 'Name: value' with a token name")
        }
        for position in (index + 1)..<line.upperBound {
            let byte = input[position]
            if byte < HeadParser.space && byte != HeadParser.tab || byte == 0x7F { return .malformed("A trailer field holds a control character") }
        }
        return nil
    }
}
