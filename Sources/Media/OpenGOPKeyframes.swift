/// A CRA keyframe of an HEVC stream (x265's open GOP), rewritten as the IDR picture it is when it is
/// decoded alone.
///
/// A CRA picture is intra-coded, but its slice headers carry a reference picture set for the RASL
/// pictures that follow it, and libavcodec 5.1 makes a grey stand-in for every picture in that set when
/// it starts at a CRA (`generate_missing_ref`). `MissingReferenceFrames` keeps the stand-ins' pixels to a
/// row, but each still takes a motion-vector table from a pool inside the decoder that no API reaches:
/// 5.6 MiB at 4K, four of them per CRA, 22 MiB of a helper's peak. An IDR picture has no reference set.
/// The engine decodes a keyframe alone when it stands for a target (`keyframesOnly`), and then no RASL
/// picture follows it, so the CRA's slices are given the IDR_N_LP type and their headers lose what only
/// a non-IDR header has (picture order count, short- and long-term reference sets, the temporal motion
/// vector flag). What the slices decode to is unchanged: the same intra data with the same parameters.
///
/// The headers are parsed with the stream's parameter sets (the `hvcC` record's, and any a packet
/// carries), and anything this parser does not follow (an SCC or multi-layer extension, a layer above 0,
/// a P or B slice, a slice header that does not end where the bits say) leaves the packet as it was.
final class OpenGOPKeyframes {
    private enum NAL {
        static let craType: UInt8 = 21
        static let idrNoLeadingType: UInt8 = 20
        static let spsType: UInt8 = 33
        static let ppsType: UInt8 = 34
    }

    struct SequenceParameters {
        var separateColourPlane = false
        var chromaArrayType = 1
        var log2MaxPOCLsb = 4
        var ctbAddressBits = 0
        var shortTermSetCount = 0
        /// NumDeltaPocs of each of the SPS's short-term sets (a slice's own set may predict from one).
        var deltaPOCCounts: [Int] = []
        var longTermPresent = false
        var longTermSPSCount = 0
        var temporalMVP = false
        var sao = false
    }

    struct PictureParameters {
        var spsID = 0
        var dependentSlices = false
        var outputFlagPresent = false
        var extraSliceHeaderBits = 0
        var sliceChromaQPOffsets = false
        var chromaQPOffsetList = false
        var deblockingOverride = false
        var deblockingDisabled = false
        var loopFilterAcrossSlices = false
        var entryPoints = false
        var sliceHeaderExtension = false
    }

    /// Length-prefixed NAL units (MP4, Matroska: the prefix's size in bytes), or Annex B start codes.
    private let lengthSize: Int?
    private var sequences: [Int: SequenceParameters] = [:]
    private var pictures: [Int: PictureParameters] = [:]
    /// Keyframes given to the decoder as IDR pictures.
    private(set) var rewritten = 0

    /// `extradata`: the stream's `hvcC` record, or Annex B parameter sets, or nothing (in-band only).
    init(extradata: [UInt8]) {
        if extradata.count >= 23 && extradata[0] == 1 {
            lengthSize = Int(extradata[21] & 3) + 1
            var offset = 23
            for _ in 0..<Int(extradata[22]) {
                guard offset + 3 <= extradata.count else { break }
                let count = Int(extradata[offset + 1]) << 8 | Int(extradata[offset + 2])
                offset += 3
                for _ in 0..<count {
                    guard offset + 2 <= extradata.count else { break }
                    let length = Int(extradata[offset]) << 8 | Int(extradata[offset + 1])
                    offset += 2
                    guard offset + length <= extradata.count else { break }
                    learn(Array(extradata[offset..<offset + length]))
                    offset += length
                }
            }
        } else {
            lengthSize = nil
            for range in Self.annexBUnits(extradata) { learn(Array(extradata[range])) }
        }
    }

    /// The packet with its CRA picture given as an IDR picture, or nil when it holds no CRA picture or
    /// one this parser does not follow. Parameter sets the packet carries are learnt either way.
    func idrForm(of packet: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard let units = units(of: packet) else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(packet.count)
        var sawCRA = false
        for range in units {
            let unit = packet[range]
            guard unit.count >= 3 else { return nil }
            let type = (unit[unit.startIndex] >> 1) & 0x3f
            if type == NAL.spsType || type == NAL.ppsType { learn(Array(unit)) }
            var bytes = Array(unit)
            if type < 32 {
                // A VCL unit: every slice of the picture must be a CRA slice this parser follows.
                guard type == NAL.craType, let idr = idrSlice(bytes) else { return nil }
                bytes = idr
                sawCRA = true
            }
            if let lengthSize {
                // A unit that grew past what its prefix can say (an escape byte more) is not rewritten.
                guard bytes.count < 1 << (8 * lengthSize) else { return nil }
                for shift in stride(from: (lengthSize - 1) * 8, through: 0, by: -8) { output.append(UInt8(truncatingIfNeeded: bytes.count >> shift)) }
            } else {
                output += [0, 0, 0, 1]
            }
            output += bytes
        }
        guard sawCRA else { return nil }
        rewritten += 1
        return output
    }

    /// Learns the parameter sets in a packet the engine sends as it is.
    func observe(_ packet: UnsafeBufferPointer<UInt8>) {
        for range in units(of: packet) ?? [] where range.count >= 3 {
            let type = (packet[range.lowerBound] >> 1) & 0x3f
            if type == NAL.spsType || type == NAL.ppsType { learn(Array(packet[range])) }
        }
    }

    /// The packet's units in this stream's framing, or nil when a length prefix runs past its end.
    private func units(of packet: UnsafeBufferPointer<UInt8>) -> [Range<Int>]? {
        lengthSize.map { Self.prefixedUnits(packet, lengthSize: $0) } ?? Self.annexBUnits(packet)
    }

    // MARK: Slices

    /// The unit's two-byte header with the IDR_N_LP type (forbidden bit, layer and temporal id kept).
    private static func idrHeader(_ unit: [UInt8]) -> [UInt8] {
        [unit[0] & 0x81 | NAL.idrNoLeadingType << 1, unit[1]]
    }

    /// One CRA slice segment as an IDR_N_LP one, or nil.
    private func idrSlice(_ unit: [UInt8]) -> [UInt8]? {
        // nuh_layer_id 0 only (a multi-layer stream's other layers have their own rules).
        guard (unit[0] & 1) == 0 && (unit[1] >> 3) == 0 else { return nil }
        let (rbsp, escapedAt) = Self.unescape(unit, from: 2)
        var reader = BitReader(rbsp)
        var writer = BitWriter()
        let firstSlice = reader.bit()
        _ = reader.bit()  // no_output_of_prior_pics_flag: an IRAP unit has it, IDR as well as CRA
        let ppsID = reader.ue()
        guard let pps = pictures[ppsID], let sps = sequences[pps.spsID] else { return nil }
        var dependent = false
        if !firstSlice {
            if pps.dependentSlices { dependent = reader.bit() }
            reader.skip(sps.ctbAddressBits)
        }
        if dependent {
            // Nothing of a dependent segment's header differs between CRA and IDR.
            guard !reader.failed else { return nil }
            return Self.idrHeader(unit) + unit[2...]
        }
        reader.skip(pps.extraSliceHeaderBits)
        guard reader.ue() == 2 else { return nil }  // slice_type: an IRAP picture has I slices only
        if pps.outputFlagPresent { reader.skip(1) }
        if sps.separateColourPlane { reader.skip(2) }
        writer.copy(rbsp, bits: 0..<reader.position)

        // What an IDR header leaves out.
        reader.skip(sps.log2MaxPOCLsb)
        if reader.bit() {  // short_term_ref_pic_set_sps_flag
            if sps.shortTermSetCount > 1 { reader.skip(Self.bitsFor(sps.shortTermSetCount)) }
        } else {
            guard Self.skipShortTermSet(&reader, index: sps.shortTermSetCount, previous: sps.deltaPOCCounts) != nil else { return nil }
        }
        if sps.longTermPresent {
            let fromSPS = sps.longTermSPSCount > 0 ? reader.ue() : 0
            let count = fromSPS + reader.ue()
            guard fromSPS <= sps.longTermSPSCount, count <= 32 else { return nil }
            for index in 0..<count {
                if index < fromSPS {
                    if sps.longTermSPSCount > 1 { reader.skip(Self.bitsFor(sps.longTermSPSCount)) }
                } else {
                    reader.skip(sps.log2MaxPOCLsb + 1)
                }
                if reader.bit() { _ = reader.ue() }
            }
        }
        if sps.temporalMVP { reader.skip(1) }
        let keptFrom = reader.position

        // The rest of the header, kept as it is; parsed to find where the slice data starts.
        var sao = false
        if sps.sao {
            sao = reader.bit()
            if sps.chromaArrayType != 0 { sao = reader.bit() || sao }
        }
        _ = reader.se()
        if pps.sliceChromaQPOffsets {
            _ = reader.se()
            _ = reader.se()
        }
        if pps.chromaQPOffsetList { reader.skip(1) }
        var deblockingDisabled = pps.deblockingDisabled
        if pps.deblockingOverride && reader.bit() {
            deblockingDisabled = reader.bit()
            if !deblockingDisabled {
                _ = reader.se()
                _ = reader.se()
            }
        }
        if pps.loopFilterAcrossSlices && (sao || !deblockingDisabled) { reader.skip(1) }
        if pps.entryPoints {
            let offsets = reader.ue()
            guard offsets <= 1 << 16 else { return nil }
            if offsets > 0 {
                let length = reader.ue() + 1
                guard length <= 32 else { return nil }
                reader.skip(offsets * length)
            }
        }
        if pps.sliceHeaderExtension {
            let length = reader.ue()
            guard length <= 256 else { return nil }
            reader.skip(length * 8)
        }
        // byte_alignment(): a one, then zeros to the byte's end.
        let keptTo = reader.position
        guard reader.bit() else { return nil }
        while reader.position % 8 != 0 {
            guard !reader.bit() else { return nil }
        }
        guard !reader.failed else { return nil }
        writer.copy(rbsp, bits: keptFrom..<keptTo)
        writer.alignWithOne()

        // The slice data, as the unit had it (escaped): its entry points count those bytes.
        let dataStart = 2 + reader.position / 8 + escapedAt.prefix { $0 < reader.position / 8 }.count
        return Self.idrHeader(unit) + Self.escape(writer.bytes) + unit[dataStart...]
    }

    /// st_ref_pic_set(index): NumDeltaPocs of the set, or nil when it is malformed.
    private static func skipShortTermSet(_ reader: inout BitReader, index: Int, previous: [Int]) -> Int? {
        if index != 0 && reader.bit() {  // inter_ref_pic_set_prediction_flag
            let deltaIndex = index == previous.count ? reader.ue() + 1 : 1
            guard deltaIndex <= index, index - deltaIndex < previous.count else { return nil }
            reader.skip(1)
            _ = reader.ue()
            var count = 0
            for _ in 0...previous[index - deltaIndex] {
                let used = reader.bit()
                if used || reader.bit() { count += 1 }
            }
            return reader.failed ? nil : count
        }
        let negative = reader.ue()
        let positive = reader.ue()
        guard negative <= 16, positive <= 16 else { return nil }
        for _ in 0..<(negative + positive) {
            _ = reader.ue()
            reader.skip(1)
        }
        return reader.failed ? nil : negative + positive
    }

    // MARK: Parameter sets

    private func learn(_ unit: [UInt8]) {
        guard unit.count >= 3 else { return }
        let type = (unit[0] >> 1) & 0x3f
        var reader = BitReader(Self.unescape(unit, from: 2).rbsp)
        // A set this parser cannot follow is stored as nil: never rewrite with a stale set of that id.
        if type == NAL.spsType {
            let (id, sps) = Self.sequence(&reader)
            if let id { sequences[id] = sps }
        } else if type == NAL.ppsType {
            let (id, pps) = Self.picture(&reader)
            if let id { pictures[id] = pps }
        }
    }

    /// The SPS's id (nil when even that is unreadable) and what a slice header needs of it (nil when
    /// the rest is not what this parser follows).
    private static func sequence(_ reader: inout BitReader) -> (Int?, SequenceParameters?) {
        var sps = SequenceParameters()
        reader.skip(4)
        let subLayers = Int(reader.bits(3))
        reader.skip(1)
        skipProfileTierLevel(&reader, subLayers: subLayers)
        let id = reader.ue()
        guard id < 16, !reader.failed else { return (nil, nil) }
        let chromaFormat = reader.ue()
        guard chromaFormat <= 3 else { return (id, nil) }
        if chromaFormat == 3 { sps.separateColourPlane = reader.bit() }
        sps.chromaArrayType = sps.separateColourPlane ? 0 : chromaFormat
        let width = reader.ue()
        let height = reader.ue()
        if reader.bit() { for _ in 0..<4 { _ = reader.ue() } }
        _ = reader.ue()
        _ = reader.ue()
        sps.log2MaxPOCLsb = reader.ue() + 4
        guard sps.log2MaxPOCLsb <= 16 else { return (id, nil) }
        let orderingForAll = reader.bit()
        for _ in (orderingForAll ? 0 : subLayers)...subLayers {
            _ = reader.ue()
            _ = reader.ue()
            _ = reader.ue()
        }
        let log2MinCoding = reader.ue() + 3
        let log2Ctb = log2MinCoding + reader.ue()
        guard (3...6).contains(log2Ctb), width > 0, height > 0, width <= 1 << 16, height <= 1 << 16 else { return (id, nil) }
        let ctbs = ((width + (1 << log2Ctb) - 1) >> log2Ctb) * ((height + (1 << log2Ctb) - 1) >> log2Ctb)
        sps.ctbAddressBits = bitsFor(ctbs)
        for _ in 0..<4 { _ = reader.ue() }
        if reader.bit() && reader.bit() { skipScalingLists(&reader) }
        reader.skip(1)
        sps.sao = reader.bit()
        if reader.bit() {  // pcm_enabled_flag
            reader.skip(8)
            _ = reader.ue()
            _ = reader.ue()
            reader.skip(1)
        }
        sps.shortTermSetCount = reader.ue()
        guard sps.shortTermSetCount <= 64 else { return (id, nil) }
        for index in 0..<sps.shortTermSetCount {
            guard let count = skipShortTermSet(&reader, index: index, previous: sps.deltaPOCCounts) else { return (id, nil) }
            sps.deltaPOCCounts.append(count)
        }
        sps.longTermPresent = reader.bit()
        if sps.longTermPresent {
            sps.longTermSPSCount = reader.ue()
            guard sps.longTermSPSCount <= 32 else { return (id, nil) }
            reader.skip(sps.longTermSPSCount * (sps.log2MaxPOCLsb + 1))
        }
        sps.temporalMVP = reader.bit()
        return (id, reader.failed ? nil : sps)
    }

    /// The PPS's id (nil when even that is unreadable) and what a slice header needs of it (nil when
    /// the rest is not what this parser follows).
    private static func picture(_ reader: inout BitReader) -> (Int?, PictureParameters?) {
        var pps = PictureParameters()
        let id = reader.ue()
        guard id < 64, !reader.failed else { return (nil, nil) }
        pps.spsID = reader.ue()
        guard pps.spsID < 16 else { return (id, nil) }
        pps.dependentSlices = reader.bit()
        pps.outputFlagPresent = reader.bit()
        pps.extraSliceHeaderBits = Int(reader.bits(3))
        reader.skip(2)
        _ = reader.ue()
        _ = reader.ue()
        _ = reader.se()
        reader.skip(1)
        let transformSkip = reader.bit()
        if reader.bit() { _ = reader.ue() }
        _ = reader.se()
        _ = reader.se()
        pps.sliceChromaQPOffsets = reader.bit()
        reader.skip(3)
        let tiles = reader.bit()
        pps.entryPoints = reader.bit() || tiles
        if tiles {
            let columns = reader.ue()
            let rows = reader.ue()
            guard columns < 64, rows < 64 else { return (id, nil) }
            if !reader.bit() { for _ in 0..<(columns + rows) { _ = reader.ue() } }
            reader.skip(1)
        }
        pps.loopFilterAcrossSlices = reader.bit()
        if reader.bit() {  // deblocking_filter_control_present_flag
            pps.deblockingOverride = reader.bit()
            pps.deblockingDisabled = reader.bit()
            if !pps.deblockingDisabled {
                _ = reader.se()
                _ = reader.se()
            }
        }
        if reader.bit() { skipScalingLists(&reader) }
        reader.skip(1)
        _ = reader.ue()
        pps.sliceHeaderExtension = reader.bit()
        if reader.bit() {  // pps_extension_present_flag
            let range = reader.bit()
            // Multi-layer, 3D and screen-content extensions add slice header fields this parser skips.
            guard reader.bits(3) == 0 else { return (id, nil) }
            reader.skip(4)
            if range {
                if transformSkip { _ = reader.ue() }
                reader.skip(1)
                pps.chromaQPOffsetList = reader.bit()
            }
        }
        return (id, reader.failed ? nil : pps)
    }

    private static func skipProfileTierLevel(_ reader: inout BitReader, subLayers: Int) {
        reader.skip(96)
        var profilePresent: [Bool] = []
        var levelPresent: [Bool] = []
        for _ in 0..<subLayers {
            profilePresent.append(reader.bit())
            levelPresent.append(reader.bit())
        }
        if subLayers > 0 { reader.skip(2 * (8 - subLayers)) }
        for layer in 0..<subLayers {
            if profilePresent[layer] { reader.skip(88) }
            if levelPresent[layer] { reader.skip(8) }
        }
    }

    private static func skipScalingLists(_ reader: inout BitReader) {
        for size in 0..<4 {
            for _ in stride(from: 0, to: 6, by: size == 3 ? 3 : 1) {
                if !reader.bit() {
                    _ = reader.ue()
                } else {
                    if size > 1 { _ = reader.se() }
                    for _ in 0..<min(64, 1 << (4 + (size << 1))) { _ = reader.se() }
                }
            }
        }
    }

    // MARK: Bytes

    /// Ceil(Log2(count)).
    static func bitsFor(_ count: Int) -> Int {
        count <= 1 ? 0 : Int.bitWidth - (count - 1).leadingZeroBitCount
    }

    /// The units of a length-prefixed packet, or nil when a length runs past its end.
    static func prefixedUnits(_ packet: UnsafeBufferPointer<UInt8>, lengthSize: Int) -> [Range<Int>]? {
        var units: [Range<Int>] = []
        var offset = 0
        while offset < packet.count {
            guard offset + lengthSize <= packet.count else { return nil }
            var length = 0
            for index in 0..<lengthSize { length = length << 8 | Int(packet[offset + index]) }
            offset += lengthSize
            guard length > 0, length <= packet.count - offset else { return nil }
            units.append(offset..<offset + length)
            offset += length
        }
        return units
    }

    /// The units between Annex B start codes (00 00 01), without trailing zero bytes.
    static func annexBUnits<Bytes: RandomAccessCollection>(_ bytes: Bytes) -> [Range<Int>] where Bytes.Element == UInt8, Bytes.Index == Int {
        var starts: [Int] = []
        var zeros = 0
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == 1 && zeros >= 2 { starts.append(index + 1) }
            zeros = byte == 0 ? zeros + 1 : 0
            index += 1
        }
        var units: [Range<Int>] = []
        for (position, start) in starts.enumerated() {
            var end = position + 1 < starts.count ? starts[position + 1] - 3 : bytes.endIndex
            while end > start && bytes[end - 1] == 0 { end -= 1 }
            if end > start { units.append(start..<end) }
        }
        return units
    }

    /// The payload without emulation prevention bytes (00 00 03 → 00 00), and where in the payload
    /// each removed byte stood (counted in the unescaped bytes before it).
    static func unescape(_ unit: [UInt8], from start: Int) -> (rbsp: [UInt8], escapedAt: [Int]) {
        var rbsp: [UInt8] = []
        rbsp.reserveCapacity(unit.count)
        var escapedAt: [Int] = []
        var zeros = 0
        for byte in unit[start...] {
            if zeros >= 2 && byte == 3 {
                escapedAt.append(rbsp.count)
                zeros = 0
                continue
            }
            rbsp.append(byte)
            zeros = byte == 0 ? zeros + 1 : 0
        }
        return (rbsp, escapedAt)
    }

    /// The bytes with an emulation prevention byte wherever two zeros precede a byte of 0–3.
    static func escape(_ rbsp: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(rbsp.count + 8)
        var zeros = 0
        for byte in rbsp {
            if zeros >= 2 && byte <= 3 {
                out.append(3)
                zeros = 0
            }
            out.append(byte)
            zeros = byte == 0 ? zeros + 1 : 0
        }
        return out
    }
}

/// Reads an RBSP most significant bit first; reading past the end sets `failed` and gives zeros.
struct BitReader {
    private let bytes: [UInt8]
    private(set) var position = 0
    private(set) var failed = false

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func bit() -> Bool { bits(1) == 1 }

    mutating func bits(_ count: Int) -> UInt64 {
        precondition(count <= 64)
        guard count >= 0, position + count <= bytes.count * 8 else {
            failed = true
            position = bytes.count * 8
            return 0
        }
        var value: UInt64 = 0
        for _ in 0..<count {
            value = value << 1 | UInt64(bytes[position >> 3] >> (7 - UInt8(position & 7)) & 1)
            position += 1
        }
        return value
    }

    mutating func skip(_ count: Int) {
        guard count >= 0, position + count <= bytes.count * 8 else {
            failed = true
            position = bytes.count * 8
            return
        }
        position += count
    }

    /// ue(v), Exp-Golomb; values past 2^31 count as a failure.
    mutating func ue() -> Int {
        var zeros = 0
        while !bit() {
            zeros += 1
            if zeros > 31 || failed {
                failed = true
                return 0
            }
        }
        return Int((UInt64(1) << zeros) - 1 + bits(zeros))
    }

    /// se(v).
    mutating func se() -> Int {
        let code = ue()
        return code & 1 == 1 ? (code + 1) / 2 : -(code / 2)
    }
}

/// Writes bits most significant first.
struct BitWriter {
    private(set) var bytes: [UInt8] = []
    private var used = 0

    mutating func append(_ bit: Bool) {
        if used % 8 == 0 { bytes.append(0) }
        if bit { bytes[bytes.count - 1] |= 0x80 >> UInt8(used % 8) }
        used += 1
    }

    /// The bits `range` of `source`.
    mutating func copy(_ source: [UInt8], bits range: Range<Int>) {
        for position in range { append(source[position >> 3] >> (7 - UInt8(position & 7)) & 1 == 1) }
    }

    /// byte_alignment(): a one, then zeros to the byte's end.
    mutating func alignWithOne() {
        append(true)
        used = (used + 7) / 8 * 8
    }
}
